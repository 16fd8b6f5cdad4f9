from django.contrib import admin

from .models import Edge, EdgeReference, Node, NodeText


class NodeTextInline(admin.StackedInline):
    model = NodeText
    extra = 0
    max_num = 3
    fields = ["tier", "body_markdown"]


class EdgeReferenceInline(admin.TabularInline):
    model = EdgeReference
    extra = 0
    autocomplete_fields = ["reference"]


@admin.register(Node)
class NodeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aliases"]
    inlines = [NodeTextInline]


@admin.register(Edge)
class EdgeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "effect", "grade", "evidence", "brief_id"]
    list_filter = ["effect", "grade", "evidence"]
    list_select_related = ["source", "target"]
    search_fields = ["source__name", "target__name", "mechanism"]
    autocomplete_fields = ["source", "target"]
    inlines = [EdgeReferenceInline]
