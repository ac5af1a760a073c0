import datetime

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from settings_app.models import dictionary_field

from ..normalize import SORT_NAME_MAX_LENGTH, fold, name_key, sort_name
from ..search_index import CUSTOMER_NAMES
from .indexed import NameIndexed, drop_from_name_index

NAME_MAX_LENGTH = 200
LIVE = models.Q(deleted_at__isnull=True)
NEVER = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
NEVER_RETURNS = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)


def sort_key(expression, output_field=None):
    return models.GeneratedField(
        expression=expression,
        output_field=output_field or models.BigIntegerField(),
        db_persist=True,
        editable=False,
    )


def live_index(name, *fields):
    return models.Index(fields=list(fields), condition=LIVE, name=name)


SORT_KEYS = (
    "sort_category",
    "sort_industry",
    "sort_region",
    "sort_owner",
    "sort_status",
    "sort_contacted",
    "sort_returns",
)
# What the pool rules keep of a customer (issue 17): told by its ownership events and
# derived from its records, not edits of it, so neither its field history nor the trail
# lists them.
RULE_FACTS = (
    "returns_at",
    "clocks_from",
    "last_deal_at",
    "contract_signed_at",
    "locked_at",
    "locked_by",
    "returned_at",
    "returned_by",
)
# The customer's foreign keys into the data dictionary (SPEC O4).
DICTIONARY_FIELDS = ("category", "industry", "source", "region")


class LiveCustomerManager(models.Manager):
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
    # Lists sort by it: Chinese in pinyin (customers.normalize.sort_name).
    sort_name = models.CharField(max_length=SORT_NAME_MAX_LENGTH, editable=False, default="")
    category = dictionary_field("category", _("category"))
    industry = dictionary_field("industry", _("industry"))
    source = dictionary_field("source", _("source"))
    region = dictionary_field("region", _("region"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=10_000)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Counts the edits of its fields: one made from an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
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
    # Empty: the company pool (customers.models.pool). Moved only by the ownership service.
    pool = models.ForeignKey(
        "customers.Pool",
        verbose_name=_("pool"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
        db_index=False,  # customer_in_pool: most customers are in the company pool
    )
    last_contacted_at = models.DateTimeField(_("last contacted at"), null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    # The pool rules' facts (issue 17), written by customers.services: when it goes back
    # to the pool by itself (customers.services.due: none when unclaimed, locked, exempt
    # or every rule is off), its last deal and its executing contract (from the sales
    # records), its lock, and who returned it last and when (the cool-down).
    returns_at = models.DateTimeField(_("returns to the pool"), null=True, blank=True)
    # Where the rules' clocks start: the claim, or the end of a lock, which gives the owner
    # the rules' days again.
    clocks_from = models.DateTimeField(null=True, blank=True, editable=False)
    last_deal_at = models.DateTimeField(null=True, blank=True, editable=False)
    contract_signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True, editable=False)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Sort keys (customers.sorting): the sortable columns that may be null, made non-null
    # by the database, so that a page of any sort is one range of an index over
    # (key, name, id) (core.keyset). A dictionary item sorts by its id, an owner by theirs.
    sort_category = sort_key(Coalesce("category", 0))
    sort_industry = sort_key(Coalesce("industry", 0))
    sort_region = sort_key(Coalesce("region", 0))
    sort_owner = sort_key(Coalesce("owner", 0))
    sort_status = sort_key(
        ExpressionWrapper(Q(owner__isnull=False), output_field=models.BooleanField()),
        models.BooleanField(),
    )
    # Never contacted sorts first: the longest without a contact.
    sort_contacted = sort_key(Coalesce("last_contacted_at", Value(NEVER)), models.DateTimeField())
    # One that never returns by itself sorts last.
    sort_returns = sort_key(Coalesce("returns_at", Value(NEVER_RETURNS)), models.DateTimeField())

    objects = models.Manager()
    live = LiveCustomerManager()
    name_index = CUSTOMER_NAMES
    history = HistoricalRecords(
        excluded_fields=[
            "name_key",
            "search_name",
            "sort_name",
            "updated_at",
            "version",
            *SORT_KEYS,
            *RULE_FACTS,
        ],
        related_name="+",
    )

    class Meta:
        ordering = ["sort_name", "id"]
        permissions = [("manage_pool", "Can distribute and clean the customer pool")]
        constraints = [
            models.UniqueConstraint(
                fields=["name_key"],
                condition=models.Q(deleted_at__isnull=True),
                name="customer_unique_live_name",
            )
        ]
        # Partial indexes over live customers, one for each order a list offers
        # (customers.sorting): a page is a range of one of them, at any depth. The
        # recycle bin has its own small index (a plain index on deleted_at misled SQLite
        # into using it).
        # Each pool-list order ends with the customer's pool, so a member who sees only
        # some pools skips the others' customers in the index, not the table (row "pool
        # list, member of one pool of four": -region 147 ms p95 without it).
        indexes = [
            live_index("customer_live_name", "sort_name", "id", "pool"),
            live_index("customer_live_created", "created_at", "id", "pool"),
            live_index("customer_live_category", "sort_category", "sort_name", "id", "pool"),
            live_index("customer_live_industry", "sort_industry", "sort_name", "id", "pool"),
            live_index("customer_live_region", "sort_region", "sort_name", "id", "pool"),
            live_index("customer_live_status", "sort_status", "sort_name", "id", "pool"),
            live_index("customer_live_owner_order", "sort_owner", "sort_name", "id", "pool"),
            live_index("customer_live_contacted", "sort_contacted", "id", "pool"),
            # My customers (one owner) in name and in creation order. The name order holds
            # the folded name too, so a search walking it need not read the table (rows
            # "customer picker" at 100,000 of mine: 重 185 → 9 ms on SQLite).
            live_index("customer_live_owner", "owner", "sort_name", "id", "search_name"),
            live_index("customer_live_owner_created", "owner", "created_at", "id"),
            live_index("customer_live_owner_returns", "owner", "sort_returns", "id"),
            # The pool rules' sweep: the customers due back, whatever their owner.
            models.Index(
                fields=["returns_at"],
                condition=models.Q(returns_at__isnull=False, deleted_at__isnull=True),
                name="customer_due_back",
            ),
            models.Index(
                fields=["deleted_at"],
                condition=models.Q(deleted_at__isnull=False),
                name="customer_in_bin",
            ),
            models.Index(
                fields=["pool"], condition=models.Q(pool__isnull=False), name="customer_in_pool"
            ),
        ]

    def __str__(self):
        return self.name

    def normalise(self):
        """The name as stored and the columns derived from it (a bulk insert, which calls
        no save(), calls this itself)."""
        self.name = (self.name or "").strip()
        self.name_key = name_key(self.name)
        self.search_name = fold(self.name)
        self.sort_name = sort_name(self.name)

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)

    @property
    def status(self) -> str:
        return "claimed" if self.owner_id else "unclaimed"


post_delete.connect(drop_from_name_index, sender=Customer)
