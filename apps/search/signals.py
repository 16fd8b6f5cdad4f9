"""The index follows every change to content, in the transaction that makes it.

An admin save, delete or restore writes a few rows: each is followed by writing its group of
the index again (a node's change also rewrites the arrows that name it). A load writes
thousands, inside ContentVersion.bumped_once(): those are skipped, and the whole index is
written once as the load ends, still inside its transaction.
"""

from django.db.models import Q

from apps.articles.models import Article, ArticleTier
from apps.core.models import Reference, gathering_changes
from apps.explorer.models import Edge, Node, NodeText

from .models import SearchEntry, rebuild, reindex


def node_groups(node):
    edges = Edge.objects.filter(Q(source_id=node.pk) | Q(target_id=node.pk))
    return [f"node:{node.pk}", *(f"edge:{pk}" for pk in edges.values_list("pk", flat=True))]


def groups_of():
    """For each model the index is made from: the groups a changed row of it touches."""
    return {
        Article: lambda article: [f"article:{article.pk}"],
        ArticleTier: lambda tier: [f"article:{tier.article_id}"],
        Node: node_groups,
        NodeText: lambda text: [f"node:{text.node_id}"],
        Edge: lambda edge: [f"edge:{edge.pk}"],
        Reference: lambda reference: [f"reference:{reference.pk}"],
    }


def reindex_after_change(sender, instance, **kwargs):
    if gathering_changes():
        return  # a load: rebuild_after_load writes the index once, as it ends
    reindex(groups_of()[sender](instance))


def rebuild_after_load(sender, **kwargs):
    rebuild()


def build_if_missing(sender, using="default", **kwargs):
    """A database that held content before search existed gets its index when it is migrated."""
    from django.db import connections

    if "search_searchentry" not in connections[using].introspection.table_names():
        return
    if not SearchEntry.objects.using(using).exists() and (
        Article.objects.using(using).exists() or Node.objects.using(using).exists()
    ):
        rebuild()
