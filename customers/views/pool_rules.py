"""The pool rules page (issue 17): administrators set them, pool managers read them."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import NotAllowed, ServiceError
from core.forms import add_service_error
from org.access import PoolManagersRead
from settings_app.models import PoolRules

from ..forms.pool_rules import PoolRulesForm
from ..services.pool_rules import save_pool_rules


class PoolRulesView(PoolManagersRead, View):
    template_name = "customers/pool_rules.html"
    refused_message = gettext_lazy("Only administrators and pool managers may open the pool rules.")

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
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("The pool rules are saved. Return dates follow them within a few minutes."),
                )
                return redirect("customers:pool-rules")
        return self.page(request, form, status=400)
