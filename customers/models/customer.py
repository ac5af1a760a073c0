from django.conf import settings
from django.db import models
from django.db.models.query import ModelIterable
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from settings_app import dictionary
from settings_app.models import dictionary_field

from ..normalize import fold, name_key
from ..search_index import CUSTOMER_NAMES
from .indexed import NameIndexed, drop_from_name_index

NAME_MAX_LENGTH = 200
LIVE = models.Q(deleted_at__isnull=True)


# The customer's foreign keys into the data dictionary (SPEC O4).
DICTIONARY_FIELDS = ("category", "industry", "source", "region")


class CustomerQuerySet(models.QuerySet):
    _with_dictionary_items = False

    def with_dictionary_items(self):
        """Rows that come with their category, industry, source and region, taken from
        the request's one read of the dictionary (settings_app.dictionary) instead of a
        query per field, as prefetch_related would. Not with .iterator(), which reads
        past _fetch_all: there each row reads its items itself."""
        rows = self._chain()
        rows._with_dictionary_items = True
        return rows

    def _clone(self):
        rows = super()._clone()
        rows._with_dictionary_items = self._with_dictionary_items
        return rows

    def _fetch_all(self):
        # Where Django fills the result cache (and runs prefetch_related): no public hook
        # runs after a queryset is read.
        fetched = self._result_cache is None
        super()._fetch_all()
        if fetched and self._with_dictionary_items and self._iterable_class is ModelIterable:
            dictionary.attach(self._result_cache, DICTIONARY_FIELDS)


class LiveCustomerManager(models.Manager.from_queryset(CustomerQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Customer(NameIndexed):
    """A customer: company property, never lost. `owner`, `claimed_at` and `deleted_at` are
    written only by customers.services.ownership (a test enforces it)."""

    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    # Looked up among live customers only, by customer_unique_live_name.
    name_key = models.CharField(max_length=NAME_MAX_LENGTH, editable=False)
    # Searched through customers.search_index: a b-tree over it cannot serve `LIKE '%kw%'`.
    search_name = models.CharField(max_length=NAME_MAX_LENGTH, editable=False)
    category = dictionary_field("category", _("category"))
    industry = dictionary_field("industry", _("industry"))
    source = dictionary_field("source", _("source"))
    region = dictionary_field("region", _("region"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=10_000)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_customers",
        db_index=False,  # customer_live_owner serves the lookups by owner
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    last_contacted_at = models.DateTimeField(_("last contacted at"), null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = CustomerQuerySet.as_manager()
    live = LiveCustomerManager()
    name_index = CUSTOMER_NAMES
    history = HistoricalRecords(
        excluded_fields=["name_key", "search_name", "updated_at"], related_name="+"
    )

    class Meta:
        ordering = ["name"]
        permissions = [("manage_pool", "Can distribute and clean the customer pool")]
        constraints = [
            models.UniqueConstraint(
                fields=["name_key"],
                condition=models.Q(deleted_at__isnull=True),
                name="customer_unique_live_name",
            )
        ]
        # Partial indexes over live customers: the planner walks them in list order and
        # stops after a page, instead of sorting a million rows; the recycle bin has its
        # own small index. (A plain index on deleted_at misled SQLite into using it.)
        indexes = [
            # Mine and shared, in list order; live only, so counting someone's customers
            # reads this index alone, not the 2,000 rows for their deleted_at.
            models.Index(
                fields=["owner", "name", "id"], condition=LIVE, name="customer_live_owner"
            ),
            # My customers newest first: without it PostgreSQL walks customer_live_created
            # backwards for one person's rows (26,000 read for a page of 2,000: 70 ms).
            models.Index(
                fields=["owner", "created_at", "id"],
                condition=LIVE,
                name="customer_live_owner_created",
            ),
            models.Index(fields=["name", "id"], condition=LIVE, name="customer_live_name"),
            models.Index(fields=["created_at", "id"], condition=LIVE, name="customer_live_created"),
            # A dictionary filter of the combined query (L2), in list order: the first page
            # is the first matching rows of one region (industry), no sorting. Not for the
            # category: five values, so walking the name index finds a page as fast. Every
            # index costs each owner change (PostgreSQL updates all of them).
            models.Index(
                fields=["region", "name", "id"], condition=LIVE, name="customer_live_region"
            ),
            models.Index(
                fields=["industry", "name", "id"], condition=LIVE, name="customer_live_industry"
            ),
            models.Index(
                fields=["deleted_at"],
                condition=models.Q(deleted_at__isnull=False),
                name="customer_in_bin",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = (self.name or "").strip()
        self.name_key = name_key(self.name)
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def is_claimed(self) -> bool:
        return self.owner_id is not None

    @property
    def status(self) -> str:
        return "claimed" if self.owner_id else "unclaimed"


post_delete.connect(drop_from_name_index, sender=Customer)
