"""The three list pages (SPEC §4–§7) and the batch action endpoint they post to."""

import datetime
import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views import View

from core.counting import capped_total
from core.errors import ServiceError
from core.ids import as_id
from core.keyset import LAST, InvalidCursor, KeysetPaginator
from core.listing import FilteredListView, Paging
from core.views import safe_next, ticked_ids
from core.widgets import option_tags
from org.models import LABEL_FIELDS, Department, person_choices, person_label
from settings_app.dictionary import return_reasons

from .. import querysets, rules
from ..filtersets import MineFilterSet, PoolFilterSet, SharedFilterSet, narrows, shared_total
from ..forms import BatchForm
from ..forms.batch import pool_targets
from ..models import Customer
from ..services import due, ownership
from ..sorting import DELETED_SORT, sort_for

BATCH_RESULT_KEY = "customers_batch_result"


class CustomerListView(LoginRequiredMixin, FilteredListView):
    template_name = "customers/list.html"
    partial_template_name = "customers/_list_region.html"
    print_template_name = "customers/list_print.html"
    section = ""
    row_template = "customers/_record_rows.html"

    def sort(self, filterset):
        ordering = filterset.form.cleaned_data.get("ordering") if filterset.is_valid() else None
        return sort_for(ordering[0] if ordering else "", filterset.filters["ordering"].sorts)

    def load_page(self, ids):
        """A page's rows by id, with what they show joined (core.keyset)."""
        return self.decorate(Customer.objects.filter(pk__in=ids))

    def paginate(self, rows, filterset):
        """Keyset paging (core.keyset): any page of any order is one index range."""
        paginator = KeysetPaginator(
            rows, self.sort(filterset), self.page_size(), load=self.load_page
        )
        try:
            page = paginator.page(self.request.GET.get("cursor"))
        except InvalidCursor as error:
            filterset.errors.setdefault("cursor", []).append(error.message)
            page = paginator.page()
        return Paging(
            param="cursor",
            rows=page.rows,
            total=self.total(filterset.counted() if filterset.is_valid() else rows, filterset),
            previous=page.previous_cursor,
            next=page.next_cursor,
            last=LAST if page.has_next else None,
        )

    def total(self, rows, filterset):
        """How many customers `rows` (the list as filtered) holds, up to the cap."""
        return capped_total(rows)

    def pools_shown(self):
        """Whether the list shows a Pool column and filter (issue 17)."""
        return False

    def filtered(self, filterset):
        """Whether the query string narrows the list (an empty list then says "no match",
        not "none yet")."""
        return narrows(type(filterset), self.request.GET)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        actor = rules.Actor.of(user)
        refusals = {
            "reclaim": rules.refuse_reclaiming(actor),
            "assign": rules.refuse_assigning_others(actor),
            "distribute": rules.refuse_distributing(actor),
            "delete": rules.refuse_deleting(actor),
            "lock": rules.refuse_locking(actor),
        }

        @functools.cache
        def people():
            return person_choices(querysets.assignees(user))

        # Where a pool manager of some pool may move customers, or return them (issue 17).
        targets = pool_targets(actor, user) if self.section in ("pool", "mine") else []

        context.update(
            section=self.section,
            row_template=self.row_template,
            offers={action for action, refusal in refusals.items() if refusal is None}
            | ({"move"} if targets else set()),
            pool_targets=targets,
            pools_shown=self.pools_shown(),
            refusals=refusals,
            has_subordinates=bool(actor.subordinates),
            filtered=self.filtered(context["filterset"]),
            # Written once per page, not by a template per option: a company has thousands.
            # A callable, which the template calls only on a page that shows a picker.
            people_options=lambda: option_tags(people()),
            departments=Department.objects.all(),
            is_pool_manager=user.is_pool_manager,
            batch_result=self.request.session.pop(BATCH_RESULT_KEY, None),
        )
        return context


class PoolListView(CustomerListView):
    """SPEC P1–P7: every customer, public fields only."""

    filterset_class = PoolFilterSet
    section = "pool"
    title = gettext_lazy("Customer pool")
    row_template = "customers/_pool_rows.html"

    def base_queryset(self):
        return querysets.pool(self.request.user)

    def pools_shown(self):
        """Whether the list shows the pools (issue 17): once the person sees one besides
        the company pool. Until then it reads and shows what it always did."""
        return bool(querysets.pool_access(self.request.user).seen)

    def decorate(self, rows):
        rows = querysets.with_list_relations(rows)
        return rows.select_related("pool") if self.pools_shown() else rows


class MineListView(CustomerListView):
    """SPEC M1–M7."""

    filterset_class = MineFilterSet
    section = "mine"
    title = gettext_lazy("My customers")

    def base_queryset(self):
        return querysets.mine(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pool_rules = due.Rules()
        context["pool_rules"] = pool_rules
        context["return_reasons"] = return_reasons()
        if pool_rules.on:  # "due to return this week" (issue 17)
            week = timezone.localdate() + datetime.timedelta(days=7)
            context["due_this_week"] = f"?returns_before={week.isoformat()}&ordering=returns_at"
        return context

    def decorate(self, rows):
        return querysets.with_record_relations(rows)


class SharedListView(CustomerListView):
    """SPEC S1–S4: scope radio and a person picker."""

    filterset_class = SharedFilterSet
    section = "shared"
    title = gettext_lazy("Shared customers")

    def scope(self):
        scope = self.request.GET.get("scope", querysets.SCOPE_ALL)
        return scope if scope in querysets.SCOPES else querysets.SCOPE_ALL

    def shared_by(self):
        raw = self.request.GET.get("shared_by", "")
        return as_id(raw)

    def base_queryset(self):
        return querysets.shared(self.request.user, self.scope(), self.shared_by())

    def decorate(self, rows):
        return querysets.with_record_relations(rows)

    def load_page(self, ids):
        user = self.request.user
        return querysets.mark_why_listed(
            user, querysets.mark_readable(user, super().load_page(ids))
        )

    def filtered(self, filterset):
        narrowed = self.scope() != querysets.SCOPE_ALL or self.shared_by() is not None
        return narrowed or super().filtered(filterset)

    def total(self, rows, filterset):
        user = self.request.user
        return shared_total(rows, self.request.GET, user, self.scope(), self.shared_by())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sharers = querysets.shares_to(self.request.user).values("shared_by_id")
        people = get_user_model().objects.filter(pk__in=sharers).order_by("display_name")
        shared_by = self.shared_by()
        context.update(
            scope=self.scope(),
            shared_by=shared_by,
            # Everyone who shared with me: hundreds under a busy supervisor.
            sharer_options=option_tags(person_choices(people), [shared_by] if shared_by else ()),
        )
        return context


# What a batch action did, said of what it did it to (issue 15: "Claimed 3 customers",
# not "Saved."). `to`: the people or departments it went to, where it went anywhere.
OUTCOMES = {
    "claim": ngettext_lazy("Claimed %(count)d customer.", "Claimed %(count)d customers.", "count"),
    "return": ngettext_lazy(
        "Returned %(count)d customer to the pool.",
        "Returned %(count)d customers to the pool.",
        "count",
    ),
    "reclaim": ngettext_lazy(
        "Reclaimed %(count)d customer into the pool.",
        "Reclaimed %(count)d customers into the pool.",
        "count",
    ),
    "assign": ngettext_lazy(
        "Assigned %(count)d customer to %(to)s.", "Assigned %(count)d customers to %(to)s.", "count"
    ),
    "share": ngettext_lazy(
        "Shared %(count)d customer with %(to)s.", "Shared %(count)d customers with %(to)s.", "count"
    ),
    "unshare": ngettext_lazy(
        "Removed the shares with %(to)s from %(count)d customer.",
        "Removed the shares with %(to)s from %(count)d customers.",
        "count",
    ),
    "delete": ngettext_lazy(
        "Moved %(count)d customer to the recycle bin.",
        "Moved %(count)d customers to the recycle bin.",
        "count",
    ),
    "restore": ngettext_lazy(
        "Restored %(count)d customer from the recycle bin.",
        "Restored %(count)d customers from the recycle bin.",
        "count",
    ),
    "lock": ngettext_lazy(
        "Locked %(count)d customer: it will not return to the pool by itself.",
        "Locked %(count)d customers: they will not return to the pool by themselves.",
        "count",
    ),
    "unlock": ngettext_lazy(
        "Unlocked %(count)d customer.", "Unlocked %(count)d customers.", "count"
    ),
    "move": ngettext_lazy(
        "Moved %(count)d customer to %(to)s.", "Moved %(count)d customers to %(to)s.", "count"
    ),
    "return_to": ngettext_lazy(
        "Returned %(count)d customer to %(to)s.", "Returned %(count)d customers to %(to)s.", "count"
    ),
}


def _pool_name(pool):
    return pool.name if pool else _("the company pool")


def _outcome(data, done):
    """The sentence that heads a batch result: what `done` customers had done to them."""
    action = data["action"]
    targets = [*data.get("to", ()), *data.get("users", ()), *data.get("departments", ())]
    if action == "move":
        targets = [_pool_name(data["to_pool"])]
    elif action == "return" and data["return_pool"] is not ownership.ITS_POOL:
        action, targets = "return_to", [_pool_name(data["return_pool"])]
    to = get_text_list([str(target) for target in targets], _("and"))
    return OUTCOMES[action] % {"count": done, "to": to}


def _done_rows(ids, spread):
    """Name of each customer done; and its owner now, when an assignment `spread` them
    over several people (P6)."""
    rows = Customer.objects.filter(pk__in=ids)
    owners = [f"owner__{field}" for field in LABEL_FIELDS]
    found = {
        pk: {"id": pk, "name": name, "to": person_label(*owner) if spread and any(owner) else ""}
        for pk, name, *owner in rows.values_list("id", "name", *owners)
    }
    return [found.get(pk, {"id": pk, "name": "", "to": ""}) for pk in ids]


class BatchActionView(LoginRequiredMixin, View):
    """Runs one ownership service over the ticked rows, keeps its per-record answer for the
    list page to show (SPEC L7), and goes back to the list (303, so a refresh does not
    post again)."""

    def post(self, request):
        back = safe_next(request, reverse("customers:pool"))
        if request.POST.get("action") == "edit":
            return self.edit(request, back)
        form = BatchForm(request.POST, user=request.user)
        if not form.is_valid():
            errors = [str(e) for field in form.errors.values() for e in field]
            request.session[BATCH_RESULT_KEY] = {"error": " ".join(errors)}
            return redirect(back, permanent=False)
        try:
            _label, result = form.run(request.user)
        except ServiceError as error:
            request.session[BATCH_RESULT_KEY] = {"error": error.message}
            return redirect(back)
        data = form.cleaned_data
        spread = data["action"] == "assign" and len(data["to"]) > 1
        request.session[BATCH_RESULT_KEY] = {
            "outcome": str(_outcome(data, len(result.done))),
            "done": _done_rows(result.done, spread),
            "refused": result.refused,
        }
        response = redirect(back)
        response.status_code = 303
        return response

    def edit(self, request, back):
        """M3: tick one row and press Edit."""
        ids = ticked_ids(request)
        if len(ids) != 1:
            request.session[BATCH_RESULT_KEY] = {"error": _("Tick exactly one customer to edit.")}
            return redirect(back)
        url = reverse("customers:edit", args=[ids[0]])
        if request.headers.get("HX-Request"):
            # The list posts through HTMX, which would follow a redirect inside the list
            # and swap the edit form's page into it: the browser goes there instead.
            return HttpResponse(headers={"HX-Redirect": url})
        return redirect(url)


class RecycleBinView(CustomerListView):
    """SPEC P3: deleted customers, which a pool manager can restore."""

    filterset_class = PoolFilterSet
    section = "bin"
    title = gettext_lazy("Recycle bin")
    row_template = "customers/_bin_rows.html"

    def sort(self, filterset):
        return DELETED_SORT

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_pool_manager:
            message = _("Only pool managers may open the recycle bin.")
            return render(request, "core/refused.html", {"message": message}, status=403)
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self):
        return querysets.recycle_bin(self.request.user)

    def decorate(self, rows):
        return querysets.with_deletion(rows)
