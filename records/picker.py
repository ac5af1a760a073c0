"""The customer picker of a module's own page (M1): 新建 there starts by choosing which
customer the new row is for, among those the person may add rows to, searched by name as
they type."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from customers.search import name_contains

from . import access, registry

PICKS = 20  # a picker is narrowed by typing, not paged


def picks(user, module, keyword):
    """Up to PICKS customers `user` may add `module` rows to whose name holds `keyword`,
    their own first, each group in name order; and whether there are more."""
    found = []
    for rows in access.customers_to_write(user, module.service.write_rule):
        if keyword:
            rows = name_contains(rows, keyword, enough=PICKS + 1)
        found += rows.order_by("sort_name", "id")[: PICKS + 1 - len(found)]
        if len(found) > PICKS:
            break
    return found[:PICKS], len(found) > PICKS


class CustomerPickerView(LoginRequiredMixin, View):
    """A full page without JavaScript; the choices alone for the picker on the module page."""

    def get(self, request, module):
        module = registry.module_for(module)
        if module is None:
            raise Http404(_("No such module."))
        keyword = request.GET.get("q", "").strip()[:100]
        found, more = picks(request.user, module, keyword)
        context = {"module": module, "keyword": keyword, "picks": found, "more": more}
        htmx = getattr(request, "htmx", None)
        partial = htmx and not htmx.history_restore_request
        template = "records/_pick_choices.html" if partial else "records/pick_customer.html"
        return render(request, template, context)
