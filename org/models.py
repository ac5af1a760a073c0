from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

POOL_MANAGER_PERMISSION = "customers.manage_pool"
POOL_MANAGERS_GROUP = "Pool managers"


class Department(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A salesperson. Pool managers are a group holding `customers.manage_pool`;
    administrators are staff (SPEC O2) — roles are permissions, not names."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    supervisor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_pool_manager(self):
        return self.is_active and self.has_perm(POOL_MANAGER_PERMISSION)

    @property
    def is_administrator(self):
        return self.is_active and (self.is_staff or self.is_superuser)
