from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from core.views import ServiceErrorPages
from records import access
from settings_app.models import SystemSettings

from .models import Quote


class QuotePrintView(LoginRequiredMixin, ServiceErrorPages, TemplateView):
    """A quote laid out for paper, with its lines and total."""

    template_name = "sales/quote_print.html"

    def get_context_data(self, **kwargs):
        customer = access.customer_to_read(self.request.user, self.kwargs["customer_pk"])
        quote = get_object_or_404(Quote, pk=self.kwargs["pk"], customer=customer)
        return {
            **super().get_context_data(**kwargs),
            "customer": customer,
            "quote": quote,
            "lines": quote.lines.all(),
            "currency": SystemSettings.load().currency,
        }
