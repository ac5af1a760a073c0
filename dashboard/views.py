from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from . import home


class HomeView(LoginRequiredMixin, TemplateView):
    """The page a person lands on after signing in (issue 18): their day, their team, the
    pool and the company, as far as they may see each."""

    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=_("Home"), nav_section="home", sections=home.sections(self.request))
        return context
