"""The <head> tags every reader page shares: its canonical address and its JSON-LD."""

from django import template

from ..structured_data import json_ld as json_ld_element

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's own address, absolute, without the query string: a filtered map or a chosen
    step is the same page to a search engine. Empty where a page is drawn without a request
    (the 500 page)."""
    request = context.get("request")
    return request.build_absolute_uri(request.path) if request is not None else ""


@register.simple_tag
def json_ld(data):
    return json_ld_element(data) if data else ""
