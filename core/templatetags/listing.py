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
    selected = [] if value in (None, "") else [str(value)]
    # A yes/no filter's choices are its widget's, "unknown" its empty one.
    options = getattr(field.field, "choices", None)
    if options is None:  # not `or`: a ChoiceIterator over a callable has no len()
        options = field.field.widget.choices
    choices = (
        ("", _("Any")) if choice in ("", "unknown") else (choice, label)
        for choice, label in options
    )
    return option_tags(choices, selected)


@register.simple_tag(takes_context=True)
def active_filters(context, filterset, shown=""):
    """The filters of the query string that the page's form does not show (a dashboard
    figure's link sets them, issue 18), as (name, raw value, label, value, link without
    it): the page names each one, keeps it when searching and lets it be removed."""
    params = context["request"].GET
    form = filterset.form
    cleaned = form.cleaned_data if form.is_valid() else {}
    hidden = {"ordering", "search", *shown.split(",")}
    active = []
    for name, field in form.fields.items():
        raw = params.get(name, "")
        if name in hidden or raw == "":
            continue
        value = cleaned.get(name, raw)
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        label = getattr(value, "label", value)
        active.append((name, raw, field.label, label, query_with(context, **{name: None})))
    return active
