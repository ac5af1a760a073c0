"""Who may open the administrators' pages (settings, data dictionary, people): the
administrators of SPEC O2, as User.is_administrator says, and no one else."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext as _

from audit import trail
from core.views import ServiceErrorPages, refusal


class AdministratorsOnly(LoginRequiredMixin, ServiceErrorPages):
    """A page for administrators: anyone else signed in is refused (403, traced); a
    service's refusal is shown as a page (core.views.ServiceErrorPages)."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.is_administrator:
            message = _("Only administrators may open this page.")
            trail.refused(request, message, 403)
            return refusal(request, message, 403)
        return super().dispatch(request, *args, **kwargs)
