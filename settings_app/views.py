"""The administrators' settings pages: the settings home, the system parameters and the data
dictionary (SPEC O3, O4, C2, B9). Each view parses the form, calls one service of
settings_app.services and renders; a refusal shows the page again with what was wrong."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from audit import trail
from core.errors import ServiceError
from org.access import AdministratorsOnly

from . import services
from .forms import DictionaryItemForm, SystemSettingsForm
from .models import DictionaryItem, DictionaryKind, SystemSettings


class SettingsPage(AdministratorsOnly):
    """Marks the top bar's "Settings" entry as the current one."""

    def render_page(self, request, template, context, status=200):
        return render(request, template, {"nav_section": "settings", **context}, status=status)


class SettingsHomeView(SettingsPage, View):
    """The sections of the settings, each with a word on what it holds."""

    def get(self, request):
        context = {"kinds": DictionaryKind.choices}
        return self.render_page(request, "settings_app/home.html", context)


class SystemSettingsView(SettingsPage, View):
    template_name = "settings_app/system.html"

    def get(self, request):
        return self.page(request, SystemSettingsForm(instance=SystemSettings.load()))

    def page(self, request, form, status=200):
        return self.render_page(request, self.template_name, {"form": form}, status)

    def post(self, request):
        form = SystemSettingsForm(request.POST, instance=SystemSettings.read())
        if form.is_valid():
            try:
                services.save_settings(request.user, form.cleaned_data)
            except ServiceError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("The system settings are saved."))
                return redirect("settings_app:system")
        return self.page(request, form, status=400)


class DictionaryPage(SettingsPage, View):
    """A page of one list of the dictionary: `kind` from the URL (an unknown one is a 404
    that names the known ones)."""

    def list_page(self, request, kind, form=None, refused=None, status=200):
        context = {
            "kind": kind,
            "kinds": DictionaryKind.choices,
            "items": list(DictionaryItem.objects.filter(kind=kind)),
            "form": form or DictionaryItemForm(),
            "refused": refused,
        }
        return self.render_page(request, "settings_app/dictionary.html", context, status)

    def back(self, kind):
        return redirect("settings_app:dictionary", kind=kind)


class DictionaryListView(DictionaryPage):
    """The items of one list, in order, and the form that adds one at its end."""

    def get(self, request, kind):
        return self.list_page(request, services.kind_named(kind))

    def post(self, request, kind):
        kind = services.kind_named(kind)
        form = DictionaryItemForm(request.POST)
        if form.is_valid():
            try:
                item = services.add_item(request.user, kind, **form.cleaned_data)
            except ServiceError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(
                    request,
                    _("“%(name)s” is added to the list “%(kind)s”.")
                    % {"name": item.label, "kind": kind.label},
                )
                return self.back(kind)
        return self.list_page(request, kind, form=form, status=400)


class DictionaryItemView(DictionaryPage):
    """Renaming an item: its name in each language."""

    template_name = "settings_app/dictionary_item.html"

    def page(self, request, kind, item, form, status=200):
        context = {"kind": kind, "item": item, "form": form}
        return self.render_page(request, self.template_name, context, status)

    def get(self, request, kind, pk):
        kind = services.kind_named(kind)
        item = services.item_of(kind, pk)
        return self.page(request, kind, item, DictionaryItemForm.of(item))

    def post(self, request, kind, pk):
        kind = services.kind_named(kind)
        item = services.item_of(kind, pk)
        before = item.label
        form = DictionaryItemForm(request.POST)
        if form.is_valid():
            try:
                services.change_item(request.user, item, **form.cleaned_data)
            except ServiceError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(
                    request,
                    _("“%(before)s” is renamed: %(names)s.")
                    % {"before": before, "names": names_of(item)},
                )
                return self.back(kind)
        return self.page(request, kind, item, form, status=400)


def names_of(item):
    """Both names of an item, as a message shows them."""
    return " / ".join(name for name in (item.name, item.name_zh_hans) if name)


class DictionaryMoveView(DictionaryPage):
    def post(self, request, kind, pk):
        kind = services.kind_named(kind)
        item = services.item_of(kind, pk)
        direction = request.POST.get("direction", "")
        try:
            services.move_item(request.user, item, direction)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            if direction == services.UP:
                done = _("“%(name)s” moved up.")
            else:
                done = _("“%(name)s” moved down.")
            messages.success(request, done % {"name": item.label})
        return self.back(kind)


class DictionaryActiveView(DictionaryPage):
    """Disables an item (it can no longer be chosen; what has it keeps it) or enables it."""

    def post(self, request, kind, pk):
        kind = services.kind_named(kind)
        item = services.item_of(kind, pk)
        active = request.POST.get("active") == "1"
        services.set_item_active(request.user, item, active)
        if active:
            message = _("“%(name)s” is enabled: it can be chosen again.")
        else:
            message = _("“%(name)s” is disabled: it can no longer be chosen; what has it keeps it.")
        messages.success(request, message % {"name": item.label})
        return self.back(kind)


class DictionaryDeleteView(DictionaryPage):
    """Deletes an item nothing uses; one in use is refused, on the list page, with a button
    that disables it instead."""

    def post(self, request, kind, pk):
        kind = services.kind_named(kind)
        item = services.item_of(kind, pk)
        try:
            services.delete_item(request.user, item)
        except services.InUse as refused:
            trail.refused(request, refused.message, 409)
            return self.list_page(request, kind, refused=refused, status=409)
        messages.success(request, _("“%(name)s” is deleted.") % {"name": item.label})
        return self.back(kind)
