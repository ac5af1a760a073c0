from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PoolSnapshot(models.Model):
    """How many live customers one pool held, claimed and unclaimed, on one day: the pool
    managers' "pool size over time" (issue 18), which no query of today's rows can answer
    for the days past. Written by the periodic job dashboard.tasks.snapshot_pools, which
    counts the day again each time it runs. A statistic the job derives from the customers,
    not a record anyone changes, so it writes no audit row."""

    day = models.DateField(_("day"))
    # Empty: the company pool. A pool's days go with it.
    pool = models.ForeignKey(
        "customers.Pool", verbose_name=_("pool"), null=True, blank=True, on_delete=models.CASCADE
    )
    claimed = models.PositiveIntegerField(_("claimed"))
    unclaimed = models.PositiveIntegerField(_("unclaimed"))
    never_claimed = models.PositiveIntegerField(_("never claimed"), default=0)
    counted_at = models.DateTimeField(_("counted at"), auto_now=True)

    class Meta:
        verbose_name = _("pool snapshot")
        verbose_name_plural = _("pool snapshots")
        constraints = [
            models.UniqueConstraint(fields=["day", "pool"], name="pool_snapshot_one_per_day"),
            # A unique constraint lets many rows with an empty pool through: the company
            # pool's day needs its own.
            models.UniqueConstraint(
                fields=["day"],
                condition=Q(pool__isnull=True),
                name="pool_snapshot_company_one_per_day",
            ),
        ]

    def __str__(self):
        return f"{self.day} {self.pool_id or '-'}: {self.claimed}/{self.unclaimed}"


class MovesDay(models.Model):
    """How many customers were claimed, assigned and returned on one day (the site's time
    zone), company-wide: the pool managers' chart of claims and returns per day (issue 18).
    A day past never changes, so the periodic job's count of it stands; today is always
    counted live (dashboard.snapshots.moves). A statistic, so no audit row."""

    day = models.DateField(_("day"), unique=True)
    claims = models.PositiveIntegerField(_("claims"))
    assigns = models.PositiveIntegerField(_("assignments"))
    returns = models.PositiveIntegerField(_("returns"))
    counted_at = models.DateTimeField(_("counted at"), auto_now=True)

    class Meta:
        verbose_name = _("claims and returns of a day")
        verbose_name_plural = _("claims and returns per day")

    def __str__(self):
        return f"{self.day}: {self.claims}/{self.assigns}/{self.returns}"


class OwnerCount(models.Model):
    """How many live customers one person owned when the periodic job last counted, and
    those customers' open opportunities and contracts of the month: a supervisor's bars
    per person and "customers my team owns" (issue 18), which counted live group 160,000
    customers of a team of 250 on every visit (benchmark row "dashboard, supervisor"). One
    row per person who holds any; the job replaces them all each run. A statistic, so no
    audit row."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    customers = models.PositiveIntegerField(_("customers"))
    # The open opportunities and this month's contracts of the customers they own: the
    # team's charts, grouped live over those customers, 50 ms on PostgreSQL for a team of
    # 250 (benchmark row "dashboard, supervisor").
    open_opportunities = models.PositiveIntegerField(_("open opportunities"), default=0)
    month = models.DateField(_("month"), null=True, blank=True)  # its first day
    contracts = models.PositiveIntegerField(_("contracts"), default=0)
    contract_amount = models.DecimalField(
        _("contract amount"), max_digits=16, decimal_places=2, default=0
    )
    counted_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("customers of one owner")
        verbose_name_plural = _("customers per owner")

    def __str__(self):
        return f"{self.owner_id}: {self.customers}"
