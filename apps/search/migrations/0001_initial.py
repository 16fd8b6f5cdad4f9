import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


class RunSQLOn(migrations.RunSQL):
    """SQL for one database engine only: the index lives in each engine's own full-text search.

    (Any later migration that makes Django rebuild the search_searchentry table on SQLite drops
    its triggers: it must run the SQLite part below again.)"""

    def __init__(self, vendor, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, args, {**kwargs, "vendor": self.vendor}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


# SQLite: an FTS5 table over the entries' folded words, kept up to date by triggers, so it
# changes in the same statement (and transaction) as the entries themselves.
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title_terms, text_terms, "
    "content='search_searchentry', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchentry BEGIN "
    "INSERT INTO search_fts(rowid, title_terms, text_terms) "
    "VALUES (new.id, new.title_terms, new.text_terms); END",
    "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_terms, text_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.text_terms); END",
    "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_terms, text_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.text_terms); "
    "INSERT INTO search_fts(rowid, title_terms, text_terms) "
    "VALUES (new.id, new.title_terms, new.text_terms); END",
]
SQLITE_FTS_REVERSE = [
    "DROP TRIGGER search_fts_update",
    "DROP TRIGGER search_fts_delete",
    "DROP TRIGGER search_fts_insert",
    "DROP TABLE search_fts",
]

# PostgreSQL: a GIN index on the stored tsvector, and a trigram index on the names.
POSTGRES_INDEXES = [
    "CREATE INDEX search_entry_document ON search_searchentry USING gin (document)",
    "CREATE INDEX search_entry_title_trigrams ON search_searchentry "
    "USING gin (title_terms gin_trgm_ops)",
]
POSTGRES_INDEXES_REVERSE = [
    "DROP INDEX search_entry_title_trigrams",
    "DROP INDEX search_entry_document",
]


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        # Does nothing on SQLite (it checks the engine itself).
        TrigramExtension(),
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("group", models.CharField(db_index=True, max_length=40)),
                ("kind", models.CharField(choices=[("node", "On the map"), ("article", "Article"), ("tier", "Article"), ("node-text", "On the map"), ("arrow", "Arrow on the map"), ("reference", "Reference")], max_length=10)),
                ("object_id", models.PositiveIntegerField()),
                ("tier", models.CharField(blank=True, choices=[("fundamentals", "Fundamentals"), ("intermediate", "Intermediate"), ("academic", "Academic")], max_length=20)),
                ("published", models.BooleanField()),
                ("title", models.CharField(max_length=500)),
                ("detail", models.CharField(blank=True, max_length=500)),
                ("text", models.TextField(blank=True)),
                ("url", models.CharField(blank=True, max_length=300)),
                ("title_terms", models.TextField(blank=True)),
                ("text_terms", models.TextField(blank=True)),
                ("document", django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
            ],
            options={
                "verbose_name_plural": "search entries",
            },
        ),
        RunSQLOn("sqlite", SQLITE_FTS, SQLITE_FTS_REVERSE),
        RunSQLOn("postgresql", POSTGRES_INDEXES, POSTGRES_INDEXES_REVERSE),
    ]
