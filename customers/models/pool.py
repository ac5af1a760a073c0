from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from settings_app.models import PoolRuleFields

POOL_NAME_MAX_LENGTH = 100


class Pool(PoolRuleFields):
    """A pool besides the company pool (SPEC B1, issue 17), e.g. one per region or team.

    A customer in no pool (`Customer.pool` empty) is in the company pool, which everyone
    sees: with no pool added, the product behaves as it always did. A pool added here is
    seen, and its customers claimed, by its members (people, and everyone in its member
    departments) and its managers, who are its pool managers; the company's pool managers
    and administrators see every pool. It follows the company pool's rules unless it has
    rules of its own (`own_rules`, then the rule fields here)."""

    name = models.CharField(_("name"), max_length=POOL_NAME_MAX_LENGTH, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="pools"
    )
    departments = models.ManyToManyField(
        "org.Department", verbose_name=_("member departments"), blank=True, related_name="pools"
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("managers"),
        blank=True,
        related_name="managed_pools",
    )
    own_rules = models.BooleanField(
        _("rules of its own"),
        default=False,
        help_text=_("Otherwise it follows the company pool's rules."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("pool")
        verbose_name_plural = _("pools")

    def __str__(self):
        return self.name
