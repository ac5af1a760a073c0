"""A person's own account pages: two-factor sign-in (set up, finish signing in, recovery
codes, turn off) and "sign out everywhere". The rules are in org.two_factor and
org.services; these views parse the form, call one of them and render."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from knox.models import AuthToken

from core.errors import ServiceError
from core.views import ServiceErrorPages, safe_next

from . import services, two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


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


class CodePage(LoginRequiredMixin, View):
    """A page asking for a code from the app: `act(request, code)` is the service call, and
    `done(request, result)` the answer once it succeeded; a refusal shows the page again."""

    template_name = None

    def get(self, request):
        return self.page(request, CodeForm())

    def context(self, request):
        return {"next": safe_next(request, "")}

    def page(self, request, form, status=200):
        context = {"form": form, **self.context(request)}
        return render(request, self.template_name, context, status=status)

    def post(self, request):
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.page(request, form, status=400)
        try:
            result = self.act(request, form.cleaned_data["code"])
        except ServiceError as error:
            form.add_error("code", error.message)
            return self.page(request, form, status=400)
        return self.done(request, result)


class TwoFactorSetupView(ServiceErrorPages, CodePage):
    """The QR code and key of a new authenticator, and the first code that confirms it."""

    template_name = "org/two_factor_setup.html"

    def context(self, request):
        return {
            **super().context(request),
            "secret": two_factor.secret_of(two_factor.pending_device(request.user)),
            "required": request.session.get(two_factor.SETUP_REQUIRED, False),
        }

    def act(self, request, code):
        return two_factor.confirm(request, code)

    def done(self, request, codes):
        messages.success(request, _("Two-factor sign-in is on."))
        return _show_codes(request, codes)


class TwoFactorQRView(LoginRequiredMixin, ServiceErrorPages, View):
    def get(self, request):
        svg = two_factor.qr_svg(two_factor.pending_device(request.user))
        response = HttpResponse(svg, content_type="image/svg+xml")
        response["Cache-Control"] = "no-store"  # it holds the key
        return response


class TwoFactorVerifyView(CodePage):
    """The second step of signing in."""

    template_name = "org/two_factor_verify.html"

    def act(self, request, code):
        return two_factor.verify(request, code)

    def done(self, request, device):
        return redirect(safe_next(request, resolve_url(settings.LOGIN_REDIRECT_URL)))


class AccountCodeAction(LoginRequiredMixin, View):
    """A change on the account page that needs a code from the app; a refusal is told
    there."""

    def post(self, request):
        form = CodeForm(request.POST)
        try:
            if not form.is_valid():
                raise ServiceError(_("Type a code from your app first."))
            result = self.act(request.user, form.cleaned_data["code"])
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("org:account")
        return self.done(request, result)


class RecoveryCodesView(AccountCodeAction):
    act = staticmethod(two_factor.new_recovery_codes)

    def done(self, request, codes):
        messages.success(request, _("New recovery codes: the old ones no longer work."))
        return _show_codes(request, codes)


class TwoFactorOffView(AccountCodeAction):
    act = staticmethod(two_factor.turn_off)

    def done(self, request, result):
        messages.success(request, _("Two-factor sign-in is off."))
        return redirect("org:account")


def _show_codes(request, codes):
    context = {"codes": codes, "next": safe_next(request, reverse("org:account"))}
    response = render(request, "org/recovery_codes.html", context)
    response["Cache-Control"] = "no-store"
    return response


class EndTokenView(LoginRequiredMixin, View):
    def post(self, request, token_key):
        if services.end_token(request.user, token_key):
            messages.success(
                request, _("The API token %(key)s… no longer works.") % {"key": token_key}
            )
        else:
            messages.error(request, _("You have no such API token."))
        return redirect("org:account")


class SignOutEverywhereView(LoginRequiredMixin, View):
    """Ends every session and API token of the person, this one included."""

    def post(self, request):
        services.sign_out_everywhere(request.user)
        logout(request)
        messages.success(request, _("You are signed out everywhere. Sign in again here."))
        return redirect("login")
