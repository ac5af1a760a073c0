"""Pages of the working-record modules, generated from their descriptions: the customer's
tab content, new/edit/delete forms and a module-wide list."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from core.concurrency import posted_version
from core.errors import Conflict, ServiceError
from core.forms import add_service_error
from core.listing import (
    FilteredListView,
    filtered_page,
    numbered_paging,
    paging_context,
    requested_page_size,
)
from core.views import ServiceErrorPages, page_status, ticked_ids
from settings_app.models import SystemSettings

from . import access, recycle_bin, registry
from .filtersets import Scope
from .services import HasDependents


def tab_context(request, customer, module):
    """What the customer's tab of `module` shows: a page of its rows as the module's
    FilterSet searches and sorts them (SPEC L1-L5), with the tab's filters."""
    writer = access.writer(request.user, customer, module.service.write_rule)
    rows = module.model.objects.filter(customer=customer)
    # The module's FilterSet applies the tab's filters; the tab's selects show the choice.
    chosen = {
        parameter: request.GET[parameter]
        for parameter, _label, choices in module.tab_filters
        if request.GET.get(parameter, "") in dict(choices)
    }
    return {
        "module": module,
        **filtered_page(request, module.filterset_class, rows, finish=module.rows),
        "column_sorts": module.column_sorts,
        "summary": module.summary(customer) if module.summary else (),
        "currency": SystemSettings.load().currency,
        "chosen_filters": chosen,
        "writer": writer,
        "can_write": access.refuse_write(writer) is None,
    }


def bin_context(request, customer, readable=True):
    """What the customer's recycle-bin tab (or a pool manager's section) shows."""
    entries = recycle_bin.deleted_records(request.user, customer, readable)
    size = requested_page_size(request)
    paging = numbered_paging(entries, size, request.GET.get("page"))
    return {
        **paging_context(paging, size),
        "readable": readable,
        "none_restorable": bool(entries) and not any(entry.may_restore for entry in entries),
    }


def _module_or_404(key):
    module = registry.module_for(key)
    if module is None:
        raise Http404(_("No such module."))
    return module


def _tab_url(customer_pk, module):
    return f"{reverse('customers:detail', args=[customer_pk])}?tab={module.key}"


class RecordFormView(LoginRequiredMixin, ServiceErrorPages, View):
    """New (no `pk`) or edit one row of a module, from the customer's tab."""

    template_name = "records/form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.module = _module_or_404(kwargs["module"])

    def objects(self, request, customer_pk, pk=None):
        customer = access.customer_to_read(request.user, customer_pk)
        record = None
        if pk is not None:
            record = get_object_or_404(self.module.model, pk=pk, customer=customer)
        access.ensure_can_write(request.user, customer, self.module.service.write_rule, record)
        return customer, record

    def form(self, request, customer, record):
        data = request.POST if request.method == "POST" else None
        files = request.FILES if request.method == "POST" else None
        return self.module.form_class(data, files, instance=record, customer=customer)

    def page(self, request, customer, record, form, status=200):
        context = {
            "module": self.module,
            "customer": customer,
            "record": record,
            "form": form,
            "cancel_url": _tab_url(customer.pk, self.module),
            # What the form shows is this version; a save from it checks it still is.
            "version": posted_version(request) or (record.version if record else None),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, customer_pk, module, pk=None):
        customer, record = self.objects(request, customer_pk, pk)
        return self.page(request, customer, record, self.form(request, customer, record))

    def post(self, request, customer_pk, module, pk=None):
        customer, record = self.objects(request, customer_pk, pk)
        form = self.form(request, customer, record)
        if not form.is_valid():
            return self.page(request, customer, record, form)
        data = form.service_data()
        service = self.module.service
        try:
            if record is None:
                record = service.create(request.user, customer, data)
            else:
                record = service.update(request.user, record, data, posted_version(request))
        except ServiceError as error:
            if error.__class__ not in (ServiceError, Conflict):
                raise
            add_service_error(form, error)
            return self.page(request, customer, record, form, status=page_status(error))
        messages.success(request, _("Saved."))
        return redirect(_tab_url(customer.pk, self.module))


class RecordDeleteView(LoginRequiredMixin, ServiceErrorPages, View):
    """Move a row to the recycle bin. A row others depend on (a contract's payments) is
    not: the page names them and asks whether they go too."""

    def post(self, request, customer_pk, module, pk):
        module = _module_or_404(module)
        customer = access.customer_to_read(request.user, customer_pk)
        record = get_object_or_404(module.model, pk=pk, customer=customer)
        with_dependents = request.POST.get("with_dependents") == "1"
        try:
            along = module.service.delete(request.user, record, with_dependents=with_dependents)
        except HasDependents as error:
            context = {"customer": customer, "module": module, "record": record, "error": error}
            return render(request, "records/delete_dependents.html", context, status=409)
        except ServiceError as error:
            if error.__class__ is not ServiceError:
                raise
            messages.error(request, error.message)
        else:
            if along:
                message = ngettext(
                    "Moved to the recycle bin, with the %(count)d record that depends on it.",
                    "Moved to the recycle bin, with the %(count)d records that depend on it.",
                    len(along),
                ) % {"count": len(along)}
            else:
                message = _("Moved to the recycle bin.")
            messages.success(request, message)
        return redirect(_tab_url(customer.pk, module))


class RecordRestoreView(LoginRequiredMixin, ServiceErrorPages, View):
    """Bring a row back from the customer's recycle bin (with what was deleted with it)."""

    def post(self, request, customer_pk, module, pk):
        module = _module_or_404(module)
        customer, readable = access.customer_for_bin(request.user, customer_pk)
        record = get_object_or_404(module.model.everything, pk=pk, customer=customer)
        try:
            module.service.restore(request.user, record)
        except ServiceError as error:
            if error.__class__ is not ServiceError:
                raise
            messages.error(request, error.message)
        else:
            label = str(record) if readable else f"#{record.pk}"
            messages.success(
                request,
                _("%(kind)s %(name)s is back.")
                % {"kind": capfirst(module.singular), "name": label},
            )
        if readable:
            return redirect(f"{reverse('customers:detail', args=[customer.pk])}?tab=bin")
        return redirect("customers:pool-detail", customer.pk)


class RecordBatchDeleteView(LoginRequiredMixin, ServiceErrorPages, View):
    """Delete the ticked rows of a customer's tab; the tab then says what became of each
    (SPEC L7)."""

    def post(self, request, customer_pk, module):
        module = _module_or_404(module)
        customer = access.customer_to_read(request.user, customer_pk)
        ids = ticked_ids(request)
        if not ids:
            messages.error(request, _("Tick at least one record first."))
            return redirect(_tab_url(customer.pk, module))
        result = module.service.delete_many(request.user, customer, ids)
        if result.done:
            count = len(result.done)
            messages.success(
                request,
                _("Deleted %(count)d of %(ticked)d.") % {"count": count, "ticked": len(ids)},
            )
        for refused in result.refused:
            messages.error(request, f"{refused['name']}: {refused['reason']}")
        return redirect(_tab_url(customer.pk, module))


class RecordTabPrintView(LoginRequiredMixin, ServiceErrorPages, View):
    """A customer's tab of one module laid out for paper: the list as the tab shows it,
    with its filters."""

    def get(self, request, customer_pk, module):
        module = _module_or_404(module)
        customer = access.customer_to_read(request.user, customer_pk)
        context = {"customer": customer, **tab_context(request, customer, module)}
        return render(request, "records/tab_print.html", context)


class ModuleListPage(LoginRequiredMixin, FilteredListView):
    """A module's own page: every row I may read, with search, sorting and paging."""

    template_name = "records/list.html"
    partial_template_name = "records/_list_region.html"
    print_template_name = "records/list.html"
    default_ordering = ("-id",)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.module = _module_or_404(kwargs["module"])
        self.filterset_class = self.module.filterset_class
        self.title = self.module.label

    # Set by dashboard.figures.ListPage.rows for a reader who reads most of the rows.
    whole = False

    def base_queryset(self):
        user = self.request.user
        return access.readable(user, self.module.model, whole=self.whole, own=self.asks_own())

    def asks_own(self):
        """Whether the query string asks only for the records of my own customers (the
        owner filter names me, or the scope is mine): the filter set still applies it."""
        query = self.request.GET
        return query.get("owner") == str(self.request.user.pk) or query.get("scope") == Scope.MINE

    def get_filterset(self):
        filterset = super().get_filterset()
        filterset.whole = self.whole
        return filterset

    def decorate(self, rows):
        return self.module.rows(rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ordering = context["filterset"].filters.get("ordering")
        context.update(
            module=self.module,
            section=self.module.key,
            sortable=set(ordering.param_map) if ordering else set(),
            can_add=any(
                rows.exists()
                for rows in access.customers_to_write(
                    self.request.user, self.module.service.write_rule
                )
            ),
        )
        return context
