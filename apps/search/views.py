from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from apps.core.readers import reader_page, visitor

from . import models


@reader_page
@vary_on_headers("HX-Request")
def search(request):
    """/search/?q=: the whole page, or (as a reader types in the header's box) its results."""
    results = models.search(request.GET.get("q", ""), visitor(request))
    context = {
        "results": results,
        "search_query": results.query,  # the header's box shows it
        "longest_query": models.LONGEST_QUERY,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "search/search.html#results", context)
    return render(request, "search/search.html", context)
