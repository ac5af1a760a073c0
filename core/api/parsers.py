"""JSON bodies a client can send: nested at most MAX_DEPTH deep. Python's decoder raised
RecursionError (a 500) on a body nested some thousand levels, on every JSON endpoint."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32  # the deepest body the API takes (a quote's lines) is 3


def depth(value):
    """How deep lists and objects nest in `value`, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = _("The JSON is nested more than %(depth)d levels deep.") % {"depth": MAX_DEPTH}
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(too_deep) from None
        if depth(data) > MAX_DEPTH:
            raise ParseError(too_deep)
        return data


PARSERS = (JSONParser, parsers.FormParser, parsers.MultiPartParser)
