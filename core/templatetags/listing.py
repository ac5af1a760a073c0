from django import template
from django.utils.translation import gettext as _

from core.widgets import option_tags

register = template.Library()
PAGE_PARAMS = {"page", "cursor"}


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    # A new filter, order or page size starts again from the first page.
    if not changes.keys() & PAGE_PARAMS:
        for param in PAGE_PARAMS:
            params.pop(param, None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def page_query(context, paging, which):
    """The link to the first, previous, next or last page of `paging` (core.listing)."""
    return query_with(
        context, **{paging.param: None if which == "first" else getattr(paging, which)}
    )


@register.simple_tag(takes_context=True)
def sort_query(context, field):
    """Sort by `field` ascending, or descending when it already sorts ascending (L3)."""
    current = context["request"].GET.get("ordering", "")
    target = f"-{field}" if current == field else field
    return query_with(context, ordering=target)


@register.simple_tag(takes_context=True)
def sort_state(context, field):
    current = context["request"].GET.get("ordering", "")
    if current == field:
        return "asc"
    if current == f"-{field}":
        return "desc"
    return ""


@register.simple_tag
def select_options(field):
    """The `<option>`s of a bound choice field of the combined query, written at once: the
    owner list holds every active salesperson, thousands in a large company. The empty
    choice reads "Any"."""
    value = field.value()
    selected = [] if value in (None, "") else [value]
    choices = (
        (choice, _("Any") if choice == "" else label) for choice, label in field.field.choices
    )
    return option_tags(choices, selected)
