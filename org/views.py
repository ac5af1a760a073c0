"""A person's own account pages: two-factor sign-in (set up, finish signing in, recovery
codes, turn off) and "sign out everywhere". The rules are in org.two_factor and
org.services; these views parse the form, call one of them and render."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from knox.models import AuthToken

from core.errors import ServiceError

from . import services, two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


def _next_url(request, default="customers:pool"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class AccountView(LoginRequiredMixin, View):
    """What a person controls of their own sign-in."""

    def get(self, request):
        tokens = AuthToken.objects.filter(user=request.user, expiry__gt=timezone.now())
        context = {
            "two_factor_on": two_factor.is_on(request.user),
            "two_factor_required": two_factor.is_required(request.user),
            "tokens": tokens.order_by("-created"),
            "form": CodeForm(),
        }
        return render(request, "org/account.html", context)


class TwoFactorSetupView(LoginRequiredMixin, View):
    """The QR code and key of a new authenticator, and the first code that confirms it."""

    def get(self, request):
        return self.page(request, CodeForm())

    def page(self, request, form, status=200):
        device = two_factor.pending_device(request.user)
        context = {
            "form": form,
            "secret": two_factor.secret_of(device),
            "required": request.session.get(two_factor.SETUP_REQUIRED, False),
            "next": _next_url(request, ""),
        }
        return render(request, "org/two_factor_setup.html", context, status=status)

    def post(self, request):
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.page(request, form, status=400)
        try:
            codes = two_factor.confirm(request, form.cleaned_data["code"])
        except ServiceError as error:
            form.add_error("code", error.message)
            return self.page(request, form, status=400)
        messages.success(request, _("Two-factor sign-in is on."))
        return _show_codes(request, codes)


class TwoFactorQRView(LoginRequiredMixin, View):
    def get(self, request):
        svg = two_factor.qr_svg(two_factor.pending_device(request.user))
        response = HttpResponse(svg, content_type="image/svg+xml")
        response["Cache-Control"] = "no-store"  # it holds the key
        return response


class TwoFactorVerifyView(LoginRequiredMixin, View):
    """The second step of signing in."""

    def get(self, request):
        return self.page(request, CodeForm())

    def page(self, request, form, status=200):
        context = {"form": form, "next": _next_url(request, "")}
        return render(request, "org/two_factor_verify.html", context, status=status)

    def post(self, request):
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.page(request, form, status=400)
        try:
            two_factor.verify(request, form.cleaned_data["code"])
        except ServiceError as error:
            form.add_error("code", error.message)
            return self.page(request, form, status=400)
        return redirect(_next_url(request))


class RecoveryCodesView(LoginRequiredMixin, View):
    def post(self, request):
        form = CodeForm(request.POST)
        try:
            if not form.is_valid():
                raise ServiceError(_("Type a code from your app first."))
            codes = two_factor.new_recovery_codes(request.user, form.cleaned_data["code"])
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("org:account")
        messages.success(request, _("New recovery codes: the old ones no longer work."))
        return _show_codes(request, codes)


class TwoFactorOffView(LoginRequiredMixin, View):
    def post(self, request):
        form = CodeForm(request.POST)
        try:
            if not form.is_valid():
                raise ServiceError(_("Type a code from your app first."))
            two_factor.turn_off(request.user, form.cleaned_data["code"])
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Two-factor sign-in is off."))
        return redirect("org:account")


def _show_codes(request, codes):
    context = {"codes": codes, "next": _next_url(request)}
    response = render(request, "org/recovery_codes.html", context)
    response["Cache-Control"] = "no-store"
    return response


class SignOutEverywhereView(LoginRequiredMixin, View):
    """Ends every session and API token of the person, this one included."""

    def post(self, request):
        services.sign_out_everywhere(request.user)
        logout(request)
        messages.success(request, _("You are signed out everywhere. Sign in again here."))
        return redirect("login")
