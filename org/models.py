import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

POOL_MANAGER_PERMISSION = "customers.manage_pool"
POOL_MANAGERS_GROUP = "Pool managers"
SESSION_HASH_SALT = "poolcrm.org.User.session_generation"


def validate_time_zone(value):
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(zone)s is not a known time zone.") % {"zone": value})


class Department(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserQuerySet(models.QuerySet):
    def with_roles(self):
        """Annotate `holds_pool_permission`, so a list of users needs no query per user."""
        from django.contrib.auth.models import Permission

        granting = Permission.objects.filter(
            codename=POOL_MANAGER_PERMISSION.split(".")[1],
            content_type__app_label=POOL_MANAGER_PERMISSION.split(".")[0],
        )
        via_group = granting.filter(group__user=models.OuterRef("pk"))
        direct = granting.filter(user=models.OuterRef("pk"))
        return self.annotate(holds_pool_permission=models.Exists(via_group) | models.Exists(direct))


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    pass


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
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("e.g. Asia/Shanghai; empty means the site's time zone."),
    )

    # Issue 17: a limit of this person's own on the customers they own, instead of the pool
    # rules' (customers.services.ownership); empty: the rules'.
    customer_limit = models.PositiveIntegerField(
        _("most customers they may own"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
        help_text=_("Instead of the pool rules' limit. Empty: the pool rules' limit."),
    )

    # Moved on by "sign out everywhere" (org.services): every session begun before carries
    # a hash made with the old value, which Django then refuses (get_session_auth_hash).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return person_label(self.display_name, self.first_name, self.last_name, self.username)

    @property
    def is_pool_manager(self):
        if not self.is_active:
            return False
        if hasattr(self, "holds_pool_permission"):
            return self.is_superuser or self.holds_pool_permission
        return self.has_perm(POOL_MANAGER_PERMISSION)

    @property
    def is_administrator(self):
        return self.is_active and (self.is_staff or self.is_superuser)

    def get_session_auth_hash(self):
        # Generation 0 keeps Django's own hash, so sessions begun before this existed last.
        if not self.session_generation:
            return super().get_session_auth_hash()
        return self._session_hash(settings.SECRET_KEY)

    def get_session_auth_fallback_hash(self):
        if not self.session_generation:
            yield from super().get_session_auth_fallback_hash()
            return
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret)

    def _session_hash(self, secret):
        value = f"{self.password}:{self.session_generation}"
        return salted_hmac(SESSION_HASH_SALT, value, secret=secret, algorithm="sha256").hexdigest()


LABEL_FIELDS = ("display_name", "first_name", "last_name", "username")


def person_label(display_name, first_name, last_name, username):
    """How a person is named everywhere: the display name, else the full name, else the
    username."""
    return display_name or f"{first_name} {last_name}".strip() or username


def person_choices(people):
    """(id, label) of each person of a queryset, without a model object each: the
    people pickers list every active user, thousands in a large company."""
    return [(pk, person_label(*fields)) for pk, *fields in people.values_list("pk", *LABEL_FIELDS)]
