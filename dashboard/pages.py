"""The list pages the home page's figures and the reports count (dashboard.figures.ListPage):
each figure is one of these read through its own view and filters, and links to it."""

from activities.views import ScheduleView
from audit.views import AuditTrailPage
from customers.views.lists import MineListView, PoolListView, SharedListView
from records.views import ModuleListPage

from .figures import ListPage

MINE = ListPage(MineListView, "customers:mine")
POOL = ListPage(PoolListView, "customers:pool")
TEAM = ListPage(SharedListView, "customers:shared")
SCHEDULE = ListPage(ScheduleView, "activities:schedule")
AUDIT = ListPage(AuditTrailPage, "audit-trail")


def records(module):
    """A module's list of working records (records:list), e.g. "opportunities"."""
    return ListPage(ModuleListPage, "records:list", (module,), {"module": module})


INTERACTIONS = records("interactions")
OPPORTUNITIES = records("opportunities")
QUOTES = records("quotes")
CONTRACTS = records("contracts")
RECEIVABLES = records("receivables")
PAYMENTS = records("payments")
