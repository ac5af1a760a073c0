"""`{% icon "name" %}`: a Lucide icon (lucide.dev) as inline SVG from the `lucide` package,
so nothing is fetched at run time and the CSP needs no exception. Decorative: hidden from
screen readers, the label beside it says what it means."""

from django import template
from lucide.templatetags.lucide import lucide

register = template.Library()


@register.simple_tag
def icon(name, size=16, extra_class=""):
    css = f"icon {extra_class}".strip()
    return lucide(name, size=size, aria_hidden="true", focusable="false", **{"class": css})
