from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Shown in the pool to everyone (SPEC C2). An administrator may add from OPTIONAL only:
# the private fields (phones, notes, contacts, address) can never be made public.
BASE_PUBLIC_FIELDS = (
    "id",
    "name",
    "category",
    "industry",
    "region",
    "status",
    "owner",
    "created_at",
)
OPTIONAL_PUBLIC_FIELDS = ("source", "website", "claimed_at", "last_contacted_at", "updated_at")


def validate_public_fields(value):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Public fields must be a list of field names."))
    unknown = sorted(set(value) - set(OPTIONAL_PUBLIC_FIELDS))
    if unknown:
        raise ValidationError(
            _("These fields cannot be made public: %(fields)s. Allowed: %(allowed)s.")
            % {"fields": ", ".join(unknown), "allowed": ", ".join(OPTIONAL_PUBLIC_FIELDS)}
        )


class SystemSettings(models.Model):
    """One row of system parameters, created on first read."""

    force_hierarchical_sharing = models.BooleanField(
        _("force hierarchical sharing"),
        default=True,
        help_text=_("Supervisors see every customer their subordinates own (SPEC O3)."),
    )
    extra_public_fields = models.JSONField(
        _("extra public fields"), default=list, blank=True, validators=[validate_public_fields]
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="CNY", help_text=_("ISO 4217 code, e.g. CNY, USD.")
    )
    attachment_max_mb = models.PositiveIntegerField(
        _("largest attachment (MB)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(1024)],
    )
    blocked_extensions = models.CharField(
        _("blocked file extensions"),
        max_length=500,
        default="exe bat cmd com msi scr ps1 vbs js jar dll sh app apk",
        help_text=_("Separated by spaces; files ending so are refused."),
    )

    class Meta:
        verbose_name = _("system settings")
        verbose_name_plural = _("system settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def load(cls):
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    @property
    def blocked_extension_set(self):
        return {e.strip(".").lower() for e in self.blocked_extensions.split() if e.strip(".")}

    @property
    def public_fields(self):
        return BASE_PUBLIC_FIELDS + tuple(
            f for f in OPTIONAL_PUBLIC_FIELDS if f in self.extra_public_fields
        )


class DictionaryKind(models.TextChoices):
    # A contract's status is not a list here: receivables, totals and the contracts tab's
    # filter depend on its four fixed values, so renaming or adding one would change nothing
    # or break them. Its labels are translated like every other fixed choice.
    CATEGORY = "category", _("customer category")
    INDUSTRY = "industry", _("industry")
    SOURCE = "source", _("source")
    REGION = "region", _("region")
    RELATION = "relation", _("social relation type")
    INTERACTION = "interaction", _("interaction type")
    OPPORTUNITY_STAGE = "opportunity_stage", _("opportunity stage")
    EXPENSE_TYPE = "expense_type", _("expense type")


class DictionaryItem(models.Model):
    """An administrator-editable list entry (SPEC O4). Disabled, never deleted while in use."""

    kind = models.CharField(_("kind"), max_length=30, choices=DictionaryKind.choices)
    name = models.CharField(_("name"), max_length=100)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="dictionary_item_unique_name")
        ]

    def __str__(self):
        return self.name

    def is_in_use(self):
        """Referenced by any row, history snapshots included. The foreign keys pointing
        here are hidden (related_name="+"), so they are looked up with include_hidden."""
        relations = [
            f
            for f in self._meta.get_fields(include_hidden=True)
            if f.auto_created and not f.concrete
        ]
        return any(
            rel.related_model._base_manager.filter(**{rel.field.name: self}).exists()
            for rel in relations
        )


def dictionary_field(kind, verbose_name):
    """An optional choice from one dictionary list; an item in use cannot be deleted."""
    return models.ForeignKey(
        DictionaryItem,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": kind},
    )
