"""One set of rules for a reference's values, in the admin form and in load_content: what the
admin accepts always loads again, and what it refuses is refused with a message that says how
to fix it."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.articles.models import Article
from apps.core.models import GlossaryTerm, Reference
from apps.explorer.models import Node, Walk
from tests.conftest import make_reference
from tests.test_editors import editor_client, form_data

pytestmark = pytest.mark.django_db

NEXT_YEAR = datetime.date.today().year + 1

# (field, what an editor pastes, what is stored) for values the rules put into their one form.
NORMALISED = [
    ("doi", "https://doi.org/10.1152/physrev.00038.2010", "10.1152/physrev.00038.2010"),
    ("doi", "http://dx.doi.org/10.1152/physrev.00038.2010", "10.1152/physrev.00038.2010"),
    ("doi", "doi: 10.1038/nature10777", "10.1038/nature10777"),
    ("doi", "https://doi.org/10.1000%2Fabc", "10.1000/abc"),
    ("pmcid", "pmc1234", "PMC1234"),
]

# (field, bad value, words the message must hold) for values no rule can rescue.
REFUSED = [
    ("doi", "https://example.org/paper", "should look like 10.1234/abc"),
    ("doi", "doi.org/10.1152", "should look like 10.1234/abc"),
    ("pmcid", "1234", "should look like PMC1234567"),
    ("pmcid", "PMCabc", "should look like PMC1234567"),
    ("year", 1066, "must be a year from 1800 to"),
    ("year", NEXT_YEAR + 1, "must be a year from 1800 to"),
    ("pmid", 0, "must be PubMed's number"),
    ("pmid", 123_456_789, "must be PubMed's number"),
]


def admin_form(client, reference):
    url = reverse("admin:core_reference_change", args=[reference.pk])
    return url, form_data(client.get(url), "reference_form")


def reference_file(folder, **values):
    """A content folder whose references.toml holds one reference with `values` (TOML)."""
    fields = {
        "key": '"alpha2020"',
        "authors": '["Alpha A"]',
        "year": "2020",
        "title": '"First study"',
        "journal": '"J Test"',
        **values,
    }
    (folder / "references.toml").write_text(
        "[[reference]]\n" + "".join(f"{name} = {value}\n" for name, value in fields.items()),
        encoding="utf-8",
    )
    return folder


def toml_value(value):
    return f'"{value}"' if isinstance(value, str) else str(value)


@pytest.fixture
def references_only(tmp_path):
    root = tmp_path / "content"
    root.mkdir()
    return root


@pytest.mark.parametrize(("name", "pasted", "stored"), NORMALISED)
def test_the_admin_stores_an_identifier_in_its_one_form(name, pasted, stored):
    reference = make_reference("smith2020")
    client = editor_client()
    url, data = admin_form(client, reference)
    data[name] = pasted

    assert client.post(url, data).status_code == 302

    reference.refresh_from_db()
    assert getattr(reference, name) == stored
    if name == "doi":
        assert reference.doi_url == f"https://doi.org/{stored}"


@pytest.mark.parametrize(("name", "pasted", "stored"), NORMALISED)
def test_the_loader_stores_an_identifier_in_the_same_form(references_only, name, pasted, stored):
    reference_file(references_only, **{name: toml_value(pasted)})

    call_command("load_content", content_dir=references_only, stdout=StringIO())

    assert getattr(Reference.objects.get(key="alpha2020"), name) == stored


@pytest.mark.parametrize(("name", "bad", "message"), REFUSED)
def test_the_admin_refuses_what_the_loader_refuses(name, bad, message):
    reference = make_reference("smith2020")
    client = editor_client()
    url, data = admin_form(client, reference)
    before = Reference.objects.values().get(pk=reference.pk)
    data[name] = str(bad)

    response = client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[name])
    assert str(bad) in response.text  # the editor's value stays in the form to fix
    assert Reference.objects.values().get(pk=reference.pk) == before


@pytest.mark.parametrize(("name", "bad", "message"), REFUSED)
def test_the_loader_refuses_the_same_values_naming_file_and_line(
    references_only, name, bad, message
):
    reference_file(references_only, **{name: toml_value(bad)})

    with pytest.raises(CommandError) as error:
        call_command("load_content", content_dir=references_only, stdout=StringIO())

    line = 4 if name == "year" else 7  # the year keeps its place; other fields come last
    assert f"content/references.toml:{line}: " in str(error.value)
    assert message in str(error.value)
    assert not Reference.objects.exists()


def test_a_key_the_loader_would_refuse_is_refused_when_a_reference_is_added():
    client = editor_client()
    url = reverse("admin:core_reference_add")
    data = form_data(client.get(url), "reference_form")
    data.update(key="Smith-2020", authors="Smith J", year="2020", title="A title", journal="J Test")

    response = client.post(url, data)

    assert response.status_code == 200
    assert "must be lowercase letters and digits" in " ".join(
        response.context["adminform"].form.errors["key"]
    )
    assert not Reference.objects.exists()


def test_whatever_the_admin_accepts_loads_again(real_content_dir):
    """The round trip that once stopped `make run`: odd values saved in the admin, exported,
    then loaded into an empty database."""
    call_command("load_content", content_dir=real_content_dir, stdout=StringIO())
    reference = Reference.objects.order_by("key").first()
    client = editor_client()
    url, data = admin_form(client, reference)
    data.update(
        doi="https://doi.org/10.1000/ROUND-trip",
        pmcid="pmc42",
        title="  A title with  odd   spacing ",
        volume="12 Suppl 3",
        pages="e1001\u2013e1010",  # an en dash, as publishers write page ranges
    )
    assert client.post(url, data).status_code == 302
    call_command("export_content", content_dir=real_content_dir, stdout=StringIO())

    Walk.objects.all().delete()  # an empty database, as on a new machine
    Article.objects.all().delete()
    Node.objects.all().delete()
    Reference.objects.all().delete()
    GlossaryTerm.objects.all().delete()
    call_command("load_content", content_dir=real_content_dir, stdout=StringIO())

    loaded = Reference.objects.get(key=reference.key)
    assert loaded.doi == "10.1000/ROUND-trip"
    assert loaded.pmcid == "PMC42"


# Where a reference was checked ---------------------------------------------------------------


def test_where_a_reference_was_verified_loads_and_exports_as_written(references_only, tmp_path):
    reference_file(references_only, doi='"10.1000/xyz"', pmid="12345678", verified='"pubmed"')
    written = (references_only / "references.toml").read_text()
    call_command("load_content", content_dir=references_only, stdout=StringIO())
    assert Reference.objects.get(key="alpha2020").verified == "pubmed"

    call_command("export_content", content_dir=tmp_path, stdout=StringIO())

    exported = (tmp_path / "references.toml").read_text()
    assert 'verified = "pubmed"' in exported
    call_command("load_content", content_dir=tmp_path, stdout=StringIO())
    assert Reference.objects.get(key="alpha2020").verified == "pubmed"
    assert "verified" in written


def test_an_unknown_verification_stops_the_load_at_its_line(references_only):
    reference_file(references_only, verified='"google"')

    with pytest.raises(CommandError) as error:
        call_command("load_content", content_dir=references_only, stdout=StringIO())

    assert "content/references.toml:7: " in str(error.value)
    assert "verified “google” must be one of pubmed, pmc, publisher" in str(error.value)
    assert not Reference.objects.exists()


def test_an_editor_records_where_a_reference_was_verified():
    reference = make_reference("smith2020")
    client = editor_client()
    url, data = admin_form(client, reference)
    data["verified"] = "pmc"

    assert client.post(url, data).status_code == 302

    reference.refresh_from_db()
    assert reference.verified == "pmc"
