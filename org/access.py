"""Who may open the administrators' pages (settings, data dictionary, people): the
administrators of SPEC O2, as User.is_administrator says, and no one else; and the pages
pool managers read too (the pool rules, the pools)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy as _

from audit import trail
from core.views import ServiceErrorPages, refusal


class AdministratorsOnly(LoginRequiredMixin, ServiceErrorPages):
    """A page for administrators: anyone else signed in is refused (403, traced); a
    service's refusal is shown as a page (core.views.ServiceErrorPages)."""

    refused_message = _("Only administrators may open this page.")

    def may_open(self, user):
        return user.is_administrator

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not self.may_open(user):
            message = str(self.refused_message)
            trail.refused(request, message, 403)
            return refusal(request, message, 403)
        return super().dispatch(request, *args, **kwargs)


class PoolManagersRead(AdministratorsOnly):
    """A page administrators change and pool managers read (the page offers the changes
    to administrators; the services refuse them to anyone else)."""

    def may_open(self, user):
        return user.is_administrator or user.is_pool_manager
