from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.views import refusal
from transfers import exporting

from . import home, reports


class HomeView(LoginRequiredMixin, TemplateView):
    """The page a person lands on after signing in (issue 18): their day, their team, the
    pool and the company, as far as they may see each."""

    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=_("Home"), nav_section="home", sections=home.sections(self.request))
        return context


class ReportsView(LoginRequiredMixin, TemplateView):
    """The reports (issue 18) over the period and scope the query string chooses; what is
    wrong with it is said on the page, and the defaults are shown instead."""

    template_name = "dashboard/reports.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        choice = reports.choose(self.request.user, self.request.GET)
        context.update(
            title=gettext_lazy("Reports"),
            nav_section="reports",
            choice=choice,
            reports=reports.build(self.request, choice),
            formats=exporting.FORMATS,
        )
        return context


class ReportExportView(LoginRequiredMixin, View):
    """One report as a CSV or XLSX file (`?format=`), for the period and scope of the
    page's query string, chosen as the page chooses them; a query string the page would
    correct is refused (400) with what is wrong, as the API refuses it."""

    def get(self, request, report):
        if report not in reports.REPORTS:
            raise Http404(_("No such report."))
        file_format = request.GET.get("format", exporting.CSV)
        if file_format not in exporting.FORMATS:
            return refusal(request, _("Export as csv or xlsx."), 400)
        if request.method == "HEAD":
            return HttpResponse(content_type=exporting.CONTENT_TYPES[file_format])
        choice = reports.choose(request.user, request.GET)
        if choice.problems:  # a file does not say what was put in place of what was asked
            said = " ".join(problem.wrong for problem in choice.problems)
            return refusal(request, _("Nothing exported: %(problems)s") % {"problems": said}, 400)
        (built,) = reports.build(request, choice, [report])
        columns = reports.ReportColumns(built, choice)
        return exporting.export(
            request.user,
            f"report-{report}",
            built.rows,
            columns,
            file_format,
            urlencode(choice.params),
            filename=columns.file_name(file_format),
        )
