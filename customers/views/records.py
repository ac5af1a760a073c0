"""One customer's pages: the form, the detail with its tabs, the pool's public view,
contacts, relations and shares (SPEC C3–C6, M2, M3, M5, P7)."""

import functools

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.concurrency import posted_version
from core.errors import NotAllowed, ServiceError
from core.forms import add_service_error, named_errors
from core.listing import filtered_page, numbered_paging, paging_context, requested_page_size
from core.views import ServiceErrorPages, page_status, safe_next, ticked_ids
from core.widgets import option_tags
from org.models import person_choices
from records import recycle_bin, registry
from records.views import bin_context, tab_context
from settings_app.dictionary import return_reasons
from settings_app.models import SystemSettings

from .. import querysets, rules
from ..api.serializers import PoolCustomerSerializer
from ..filtersets import ContactFilterSet, PoolFilterSet, ShareFilterSet
from ..forms import (
    ContactForm,
    CustomerForm,
    HistoryQueryForm,
    PoolCustomerForm,
    RelationForm,
    ShareForm,
)
from ..forms.batch import pool_targets
from ..models import Customer
from ..services import contacts, details, due, history, ownership, pool_views

PUBLIC_LABELS = {
    "id": gettext_lazy("Id"),
    "name": gettext_lazy("Name"),
    "category": gettext_lazy("Category"),
    "industry": gettext_lazy("Industry"),
    "region": gettext_lazy("Region"),
    "status": gettext_lazy("Status"),
    "owner": gettext_lazy("Owner"),
    "created_at": gettext_lazy("Created"),
    "source": gettext_lazy("Source"),
    "website": gettext_lazy("Website"),
    "claimed_at": gettext_lazy("Claimed"),
    "last_contacted_at": gettext_lazy("Last contacted"),
    "updated_at": gettext_lazy("Updated"),
}
STATUS_LABELS = {"claimed": gettext_lazy("claimed"), "unclaimed": gettext_lazy("unclaimed")}


def may_edit(user, customer):
    return details.refuse_edit(user, customer) is None


class PoolCustomerView(LoginRequiredMixin, ServiceErrorPages, TemplateView):
    """P7: the public info tab, built from the same allow-list as the API's pool."""

    template_name = "customers/pool_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        rows = querysets.with_list_relations(querysets.pool_pages(user))
        customer = get_object_or_404(rows, pk=self.kwargs["pk"])
        public = PoolCustomerSerializer(customer).data
        if "status" in public:
            public["status"] = STATUS_LABELS[public["status"]]
        for key in public:
            if key.endswith("_at") and public[key]:
                when = timezone.localtime(getattr(customer, key))
                public[key] = formats.date_format(when, "Y-m-d H:i")
        fields = [(PUBLIC_LABELS[k], v) for k, v in public.items() if k != "id"]
        readable = querysets.visible(user).filter(pk=customer.pk).exists()
        pool_views.count_view(user, customer, readable)
        context = {
            **super().get_context_data(**kwargs),
            "customer": customer,
            "fields": fields,
            "readable": readable,
            "may_correct": not customer.deleted_at
            and details.refuse_pool_edit(user, customer) is None,
            "back_in_pool": history.times_back_in_pool(customer),
            "pool_fact": pool_fact(user, customer),
        }
        if querysets.public_histories(user).filter(pk=customer.pk).exists():
            context["history"] = history_page(self.request, history.public_history(customer))
        if user.is_pool_manager and customer.owner_id is None:
            # Its working records, deleted while it was someone's, are the pool's to restore.
            context["deleted_records"] = recycle_bin.deleted_records(user, customer, readable)
        return context


def company_pool_fact(user):
    """What a customer of the company pool says of its pool: "Company pool" once `user`
    sees pools besides it (issue 17), nothing until then (and no query)."""
    return _("Company pool") if querysets.pool_access(user).seen else None


def pool_fact(user, customer):
    """The pool `customer` is in, named (issue 17)."""
    return customer.pool.name if customer.pool_id else company_pool_fact(user)


def ownership_actions(user, customer):
    """What the customer's page offers `user` — edit, and the ownership actions (manual
    2.2.7) — from one read of its state, and the list that shows an action's per-record
    result afterwards (SPEC L7): the customer may no longer be theirs to read."""
    state = ownership.load_states([customer.pk])[customer.pk]
    actor = rules.Actor.of(user)
    offers = {
        "can_edit": rules.refuse_edit(actor, state) is None,
        "may_return": rules.refuse_return(actor, state) is None,
        "may_reclaim": rules.refuse_reclaim(actor, state) is None,
        "may_assign": rules.refuse_assign(actor, state) is None,
        "may_lock": rules.refuse_lock(actor, state) is None,
        "may_unlock": rules.refuse_unlock(actor, state) is None,
    }
    if state.owner_id == user.pk:
        back = reverse("customers:mine")
    elif actor.supervises(state.owner_id):
        back = reverse("customers:shared")
    else:
        back = reverse("customers:pool")
    people = (
        (lambda: option_tags(person_choices(querysets.assignees(user))))
        if offers["may_assign"]
        else None
    )
    return {
        **offers,
        "pool_fact": state.pool_label or company_pool_fact(user),
        # Where a pool manager of some pool may return it instead of its own pool.
        "pool_targets": pool_targets(actor, user) if offers["may_return"] else [],
        "actions_back": back,
        "people_options": people,
        "supervises_owner": actor.supervises(state.owner_id),
        "pool_rules": due.Rules(),
        "return_reasons": return_reasons() if offers["may_return"] else (),
    }


class CustomerDetailView(LoginRequiredMixin, ServiceErrorPages, TemplateView):
    """C6: the full record with its tabs; read-only unless the viewer owns it."""

    template_name = "customers/detail.html"
    tabs = (
        ("info", gettext_lazy("Basic info")),
        ("contacts", gettext_lazy("Contacts")),
        ("shares", gettext_lazy("Shares")),
        ("history", gettext_lazy("History")),
    )
    search_hints = {
        "contacts": gettext_lazy("Search name, title, phone or email"),
        "shares": gettext_lazy("Search person or department"),
        "history": gettext_lazy("Search action, person or text"),
    }

    def get_tabs(self):
        modules = tuple((m.key, m.label) for m in registry.modules())
        return (*self.tabs, *modules, ("bin", gettext_lazy("Recycle bin")))

    def tab(self):
        tab = self.request.GET.get("tab", "info")
        return tab if tab in dict(self.get_tabs()) else "info"

    def get_context_data(self, **kwargs):
        user = self.request.user
        rows = querysets.with_record_relations(querysets.visible(user))
        customer = details.get_visible(user, self.kwargs["pk"], rows)
        tab = self.tab()
        context = {
            **super().get_context_data(**kwargs),
            "customer": customer,
            "tabs": self.get_tabs(),
            "tab": tab,
            "search_hint": self.search_hints.get(tab, gettext_lazy("Search")),
            # Read only when the whole page is drawn, not for a tab swapped in.
            "header_money": functools.partial(header_money, customer),
            **ownership_actions(user, customer),
        }
        module = registry.module_for(tab)
        if module is not None:
            context.update(tab_context(self.request, customer, module))
        elif tab == "contacts":
            rows = customer.contacts.prefetch_related("relations__relation_type")
            context.update(
                filtered_page(self.request, ContactFilterSet, rows),
                contact_form=ContactForm(),
                first_relation_form=first_relation_form(),
            )
        elif tab == "shares":
            rows = customer.shares.select_related("user", "department", "shared_by")
            context.update(
                filtered_page(self.request, ShareFilterSet, rows),
                share_form=ShareForm(),
                # Those it may be shared with, written at once (a company has thousands).
                share_people=lambda: option_tags(person_choices(querysets.assignees(user))),
            )
        elif tab == "history":
            context.update(history_page(self.request, history.customer_history(customer)))
        elif tab == "bin":
            context.update(bin_context(self.request, customer))
        return context

    def get_template_names(self):
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.history_restore_request and htmx.target in ("tab-pane", "tab-list"):
            return ["customers/_tab_pane.html"]
        return [self.template_name]

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["Vary"] = "HX-Request"
        return response


def header_money(customer):
    """The money the modules put in the customer's header, and its currency."""
    return {"facts": registry.headlines(customer), "currency": SystemSettings.load().currency}


def history_page(request, entries):
    """A page of history `entries`, searched and sorted as asked (SPEC H1)."""
    query = HistoryQueryForm(request.GET)
    size = requested_page_size(request)
    paging = numbered_paging(query.select(entries), size, request.GET.get("page"))
    return {**paging_context(paging, size), "filter_errors": query.errors}


class CustomerPrintView(CustomerDetailView):
    """M7: one customer's record, its contacts and shares, laid out for paper."""

    template_name = "customers/detail_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["contacts"] = context["customer"].contacts.all()
        return context


class CustomerCreateView(LoginRequiredMixin, View):
    """P2, M2: a new customer, unclaimed (pool) or mine (`claim=1`)."""

    def claim(self, request):
        return (request.POST.get("claim") or request.GET.get("claim")) == "1"

    def get(self, request):
        return self.page(request, CustomerForm())

    def page(self, request, form, status=200):
        context = {
            "form": form,
            "claim": self.claim(request),
            "cancel_url": safe_next(request, reverse("customers:pool")),
        }
        return render(request, "customers/form.html", context, status=status)

    def post(self, request):
        form = CustomerForm(request.POST)
        if not form.is_valid():
            return self.page(request, form)
        claim = self.claim(request)
        try:
            customer = ownership.create(request.user, form.cleaned_data, claim=claim)
        except ServiceError as error:
            add_service_error(form, error)
            return self.page(request, form, status=page_status(error))
        messages.success(request, _("Saved %(name)s.") % {"name": customer.name})
        if "save_and_opportunity" in request.POST and claim:
            return redirect("records:new", customer_pk=customer.pk, module="opportunities")
        if "save_and_new" in request.POST:
            return redirect(f"{reverse('customers:new')}?claim={'1' if claim else '0'}")
        if claim:
            return redirect("customers:detail", pk=customer.pk)
        return redirect("customers:pool-detail", pk=customer.pk)


class CustomerEditView(LoginRequiredMixin, ServiceErrorPages, View):
    """M3: owners edit; everyone else is told why not (403) or that it is not theirs to
    see (404)."""

    form_class = CustomerForm
    detail_url = "customers:detail"
    in_pool = False  # corrected from the pool: no opportunity to create from there

    def customer(self, request, pk):
        customer = details.get_visible(request.user, pk)
        details.ensure_can_edit(request.user, customer)
        return customer

    def save(self, request, customer, changes):
        details.update(request.user, customer, changes, posted_version(request))

    def page(self, request, form, customer, status=200):
        context = {
            "form": form,
            "customer": customer,
            "cancel_url": reverse(self.detail_url, args=[customer.pk]),
            "in_pool": self.in_pool,
            # What the form shows is this version; a save from it checks it still is.
            "version": posted_version(request) or customer.version,
        }
        return render(request, "customers/form.html", context, status=status)

    def get(self, request, pk):
        customer = self.customer(request, pk)
        return self.page(request, self.form_class(instance=customer), customer)

    def post(self, request, pk):
        customer = self.customer(request, pk)
        form = self.form_class(request.POST, instance=Customer.objects.get(pk=customer.pk))
        if not form.is_valid():
            return self.page(request, form, customer)
        try:
            self.save(request, customer, form.cleaned_changes())
        except ServiceError as error:
            add_service_error(form, error)
            return self.page(request, form, customer, status=page_status(error))
        messages.success(request, _("Saved %(name)s.") % {"name": customer.name})
        if "save_and_opportunity" in request.POST and not self.in_pool:
            return redirect("records:new", customer_pk=customer.pk, module="opportunities")
        return redirect(self.detail_url, pk=customer.pk)


class PoolCustomerEditView(CustomerEditView):
    """P8: pool managers, and the creator while it is unclaimed, correct its public fields
    from the pool; everyone else is told why not (403)."""

    form_class = PoolCustomerForm
    detail_url = "customers:pool-detail"
    in_pool = True

    def customer(self, request, pk):
        customer = get_object_or_404(querysets.pool(request.user), pk=pk)
        reason = details.refuse_pool_edit(request.user, customer)
        if reason:
            raise NotAllowed(reason)
        return customer

    def save(self, request, customer, changes):
        details.update_in_pool(request.user, customer, changes)


class DuplicatesView(LoginRequiredMixin, TemplateView):
    """C3: existing customers whose name contains the typed keyword, public fields only."""

    template_name = "customers/duplicates.html"

    def get_context_data(self, **kwargs):
        keyword = self.request.GET.get("name", "").strip()[:200]
        rows = []
        if keyword:
            found = PoolFilterSet().name_contains(querysets.pool(self.request.user), "", keyword)
            rows = querysets.with_list_relations(found).order_by("sort_name", "id")[:50]
        return {**super().get_context_data(**kwargs), "keyword": keyword, "rows": rows}

    def get_template_names(self):
        htmx = getattr(self.request, "htmx", None)
        return ["customers/_duplicates.html"] if htmx else [self.template_name]


class CustomerActionView(LoginRequiredMixin, ServiceErrorPages, View):
    """Base for the POST-only actions of a customer's tabs: back to the tab afterwards."""

    tab = "info"

    def back(self, pk):
        return redirect(f"{reverse('customers:detail', args=[pk])}?tab={self.tab}")

    def post(self, request, pk, **kwargs):
        customer = details.get_visible(request.user, pk)
        try:
            self.act(request, customer, **kwargs)
        except ServiceError as error:
            if error.__class__ is not ServiceError:
                raise
            messages.error(request, error.message)
        return self.back(pk)


def first_relation_form(data=None):
    """The new-contact form's optional first social relation (manual 2.2.12)."""
    return RelationForm(data, prefix="relation", empty_permitted=True, use_required_attribute=False)


class ContactAddView(CustomerActionView):
    tab = "contacts"

    def act(self, request, customer):
        form, relation = ContactForm(request.POST), first_relation_form(request.POST)
        if not (form.is_valid() and relation.is_valid()):
            raise ServiceError(named_errors(form, relation))
        relations = [relation.cleaned_data] if relation.has_changed() else []
        contact = contacts.add(request.user, customer, form.cleaned_data, relations=relations)
        messages.success(request, _("Added contact %(name)s.") % {"name": contact.name})


class ContactDeleteView(CustomerActionView):
    tab = "contacts"

    def act(self, request, customer):
        ids = ticked_ids(request)
        if not ids:
            raise ServiceError(_("Tick at least one contact first."))
        deleted = contacts.delete(request.user, customer, ids)
        messages.success(request, _("Deleted %(count)d contact(s).") % {"count": len(deleted)})


class ContactPrimaryView(CustomerActionView):
    tab = "contacts"

    def act(self, request, customer, contact_pk):
        contact = get_object_or_404(customer.contacts, pk=contact_pk)
        contacts.update(request.user, customer, contact, {"is_primary": True})


class ShareAddView(CustomerActionView):
    tab = "shares"

    def act(self, request, customer):
        form = ShareForm(request.POST)
        if not form.is_valid():
            raise ServiceError(named_errors(form))
        result = ownership.share(request.user, [customer.pk], **form.cleaned_data)
        _report(request, result)


class ShareRemoveView(CustomerActionView):
    tab = "shares"

    def act(self, request, customer, share_pk):
        result = ownership.unshare(request.user, [customer.pk], share_ids=[share_pk])
        _report(request, result)


class ShareRemoveTickedView(CustomerActionView):
    """Remove the shares ticked on the tab at once (SPEC M5, L5)."""

    tab = "shares"

    def act(self, request, customer):
        ids = ticked_ids(request)
        if not ids:
            raise ServiceError(_("Tick at least one share first."))
        _report(request, ownership.unshare(request.user, [customer.pk], share_ids=ids))


def _report(request, result):
    for refusal in result.refused:
        messages.error(request, refusal["reason"])
    if result.done:
        messages.success(request, _("Shares updated."))


class ContactEditView(LoginRequiredMixin, ServiceErrorPages, View):
    """C4, C5: one contact's form with its social relations."""

    def objects(self, request, pk, contact_pk):
        customer = details.get_visible(request.user, pk)
        return customer, get_object_or_404(customer.contacts, pk=contact_pk)

    def page(self, request, customer, contact, form, status=200):
        context = {
            "customer": customer,
            "contact": contact,
            "form": form,
            # Its own ids: the contact's form above has fields of the same names (notes).
            "relation_form": RelationForm(auto_id="id_relation_%s"),
            "relations": contact.relations.select_related("relation_type"),
            "can_edit": may_edit(request.user, customer),
        }
        return render(request, "customers/contact_form.html", context, status=status)

    def get(self, request, pk, contact_pk):
        customer, contact = self.objects(request, pk, contact_pk)
        return self.page(request, customer, contact, ContactForm(instance=contact))

    def post(self, request, pk, contact_pk):
        customer, contact = self.objects(request, pk, contact_pk)
        details.ensure_can_edit(request.user, customer)
        form = ContactForm(request.POST, instance=customer.contacts.get(pk=contact.pk))
        if not form.is_valid():
            return self.page(request, customer, contact, form)
        try:
            contacts.update(request.user, customer, contact, form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
            return self.page(request, customer, contact, form, status=page_status(error))
        messages.success(request, _("Saved contact %(name)s.") % {"name": contact.name})
        return redirect(f"{reverse('customers:detail', args=[pk])}?tab=contacts")


class RelationAddView(LoginRequiredMixin, ServiceErrorPages, View):
    def post(self, request, pk, contact_pk):
        customer = details.get_visible(request.user, pk)
        contact = get_object_or_404(customer.contacts, pk=contact_pk)
        form = RelationForm(request.POST)
        if form.is_valid():
            contacts.add_relation(request.user, customer, contact, form.cleaned_data)
        else:
            messages.error(request, named_errors(form))
        return redirect("customers:contact-edit", pk=pk, contact_pk=contact_pk)


class RelationDeleteView(LoginRequiredMixin, ServiceErrorPages, View):
    def post(self, request, pk, contact_pk, relation_pk):
        customer = details.get_visible(request.user, pk)
        contact = get_object_or_404(customer.contacts, pk=contact_pk)
        relation = get_object_or_404(contact.relations, pk=relation_pk)
        contacts.delete_relation(request.user, customer, relation)
        return redirect("customers:contact-edit", pk=pk, contact_pk=contact_pk)
