"""The pool rules page (issue 17): administrators set them, pool managers read them."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from audit import trail
from core.errors import NotAllowed, ServiceError
from core.views import ServiceErrorPages, refusal
from settings_app.models import PoolRules

from ..forms.pool_rules import PoolRulesForm
from ..services.pool_rules import save_pool_rules


class PoolRulesView(LoginRequiredMixin, ServiceErrorPages, View):
    template_name = "customers/pool_rules.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (user.is_administrator or user.is_pool_manager):
            message = _("Only administrators and pool managers may open the pool rules.")
            trail.refused(request, message, 403)
            return refusal(request, message, 403)
        return super().dispatch(request, *args, **kwargs)

    def page(self, request, form, status=200):
        context = {
            "form": form,
            "may_change": request.user.is_administrator,
            "nav_section": "settings" if request.user.is_administrator else "pool",
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self.page(request, PoolRulesForm(instance=PoolRules.load()))

    def post(self, request):
        form = PoolRulesForm(request.POST, instance=PoolRules.load())
        if form.is_valid():
            try:
                save_pool_rules(request.user, form.rules(), form.category_rules())
            except NotAllowed:
                raise  # a page of its own (ServiceErrorPages), not an error on the form
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("The pool rules are saved. Return dates follow them within a few minutes."),
                )
                return redirect("customers:pool-rules")
        return self.page(request, form, status=400)
