import functools

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import ItemName, LocalDateTimeField, RowRef, lazy_text, row_id
from org.models import Department
from settings_app.models import (
    BASE_PUBLIC_FIELDS,
    CategoryReturnRule,
    DictionaryItem,
    DictionaryKind,
    PoolRules,
    SystemSettings,
)

from .. import querysets
from ..models import Contact, Customer, Pool, Share, SocialRelation
from ..models.customer import NAME_MAX_LENGTH
from ..models.pool import POOL_NAME_MAX_LENGTH
from ..services.details import POOL_EDITABLE_FIELDS
from ..services.pool_rules import POOL_RULE_FIELDS, RULE_FIELDS

User = get_user_model()


def user_ids(**kwargs):
    return serializers.ListField(
        child=RowRef(
            lazy_text(lambda: _("active user")), queryset=User.objects.filter(is_active=True)
        ),
        **kwargs,
    )


def department_ids(**kwargs):
    return serializers.ListField(
        child=RowRef(lazy_text(lambda: _("department")), queryset=Department.objects.all()),
        **kwargs,
    )


class PoolRef(RowRef):
    """A pool the requester sees (customers.querysets.pools) by its id, or null: the company
    pool. A pool they do not see is refused as one that does not exist."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault(
            "required",
            lazy_text(lambda: _("Choose a pool: its id, or null for the company pool.")),
        )
        super().__init__(
            lazy_text(lambda: _("pool")), queryset=Pool.objects.all(), allow_null=True, **kwargs
        )

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Pool.objects.none()
        return querysets.pools(request.user)


class BatchSerializer(serializers.Serializer):
    ids = serializers.ListField(child=row_id(), allow_empty=False, max_length=5000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class MoveToPoolSerializer(BatchSerializer):
    """Issue 17: customers put in another pool (`pool` null: the company pool)."""

    pool = PoolRef()


class AssignSerializer(BatchSerializer):
    to = user_ids(source="to_users", allow_empty=False, max_length=500)


class ShareSerializer(BatchSerializer):
    users = user_ids(required=False, default=list, max_length=5000)
    departments = department_ids(required=False, default=list, max_length=500)


class HandOverSerializer(serializers.Serializer):
    """Issue 17: whose customers, to whom (none: back to the pool), why, and whether the
    person is deactivated in the same step (administrators only)."""

    person = RowRef(lazy_text(lambda: _("user")), queryset=User.objects.all())
    to = user_ids(source="to_users", required=False, default=list, max_length=500)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    deactivate = serializers.BooleanField(required=False, default=False)


class BatchResultSerializer(serializers.Serializer):
    class RefusalSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField(allow_null=True)
        reason = serializers.CharField()

    done = serializers.ListField(child=serializers.IntegerField())
    refused = RefusalSerializer(many=True)


def _label(user):
    return user.label if user is not None else None


def public_fields(context):
    """The public fields (C2): those a view put in the serializer's context for a page of
    rows, else the settings' now."""
    return context.get("public_fields") or SystemSettings.current_public_fields()


class PoolCustomerSerializer(serializers.Serializer):
    """The pool's view of a customer: an explicit allow-list of public fields (SPEC C2).
    Nothing here reads a private column; extra public fields come only from the
    administrator's setting, itself limited to OPTIONAL_PUBLIC_FIELDS."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    category = ItemName()
    industry = ItemName()
    region = ItemName()
    status = serializers.CharField(read_only=True)
    owner = serializers.SerializerMethodField()
    created_at = LocalDateTimeField(read_only=True)
    source = ItemName()
    website = serializers.CharField(read_only=True)
    claimed_at = LocalDateTimeField(read_only=True)
    last_contacted_at = LocalDateTimeField(read_only=True)
    updated_at = LocalDateTimeField(read_only=True)

    def get_owner(self, obj) -> str | None:
        return _label(obj.owner)

    shown_besides = ()  # fields a subclass shows whatever the setting says

    def get_fields(self):
        fields = super().get_fields()
        shown = (*public_fields(self.context), *self.shown_besides)
        return {name: field for name, field in fields.items() if name in shown}


class DictionaryRef(RowRef):
    """A dictionary item id of one kind; disabled items cannot be newly chosen."""

    def __init__(self, kind, required=False, **kwargs):
        self.kind = kind

        def label():
            return DictionaryKind(kind).label

        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault(
            "does_not_exist",
            lazy_text(lambda: _("No active %(kind)s with id {pk_value}.") % {"kind": label()}),
        )
        super().__init__(
            lazy_text(label),
            queryset=DictionaryItem.objects.filter(kind=kind, is_active=True),
            allow_null=not required,
            required=required,
            **kwargs,
        )


class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField(source="label")


def contact_brief(contact):
    return {"id": contact.id, "name": contact.name, "phone": contact.mobile or contact.phone}


class PrimaryContactSerializer(serializers.Serializer):
    """The primary contact on a customer row. Written by contact_brief: a serializer made
    per row (its fields deep-copied each time) cost more than the rest of the row."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()

    def to_representation(self, instance):
        return contact_brief(instance)


class BinCustomerSerializer(PoolCustomerSerializer):
    """A customer in the recycle bin (P3): its public fields, when and by whom it was
    deleted (rows from customers.querysets.with_deletion)."""

    deleted_at = LocalDateTimeField(read_only=True)
    deleted_by = serializers.SerializerMethodField()
    shown_besides = ("deleted_at", "deleted_by")

    def get_deleted_by(self, customer) -> UserBriefSerializer(allow_null=True):
        deletion = customer.deletions[0] if customer.deletions else None
        actor = deletion.actor if deletion else None
        return UserBriefSerializer(actor).data if actor else None


class PoolEditSerializer(serializers.ModelSerializer):
    """P8: what pool managers, and the creator while it is unclaimed, may correct from the
    pool: the public fields (customers.services.details.POOL_EDITABLE_FIELDS)."""

    name = serializers.CharField(max_length=NAME_MAX_LENGTH)
    category = DictionaryRef("category")
    industry = DictionaryRef("industry")
    source = DictionaryRef("source")
    region = DictionaryRef("region")

    class Meta:
        model = Customer
        fields = list(POOL_EDITABLE_FIELDS)


class CustomerSerializer(serializers.ModelSerializer):
    """The full record, for those who may read it (owner, sharees, supervisors)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: LocalDateTimeField,
    }

    name = serializers.CharField(max_length=NAME_MAX_LENGTH)
    category = DictionaryRef("category")
    industry = DictionaryRef("industry")
    source = DictionaryRef("source")
    region = DictionaryRef("region")
    category_name = ItemName("category")
    industry_name = ItemName("industry")
    source_name = ItemName("source")
    region_name = ItemName("region")
    owner = UserBriefSerializer(read_only=True, allow_null=True)
    created_by = UserBriefSerializer(read_only=True, allow_null=True)
    primary_contact = serializers.SerializerMethodField()
    # The pool it is in (null: the company pool); moved by POST /api/customers/move-to-pool/.
    pool = serializers.IntegerField(source="pool_id", read_only=True, allow_null=True)
    pool_name = serializers.CharField(
        source="pool.name", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "status",
            "category",
            "category_name",
            "industry",
            "industry_name",
            "source",
            "source_name",
            "region",
            "region_name",
            "address",
            "phone",
            "website",
            "notes",
            "owner",
            "claimed_at",
            "last_contacted_at",
            "returns_at",
            "locked_at",
            "created_by",
            "created_at",
            "updated_at",
            "version",
            "primary_contact",
            "pool",
            "pool_name",
        ]
        read_only_fields = [
            "version",
            "status",
            "owner",
            "claimed_at",
            "last_contacted_at",
            "returns_at",
            "locked_at",
            "created_by",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(PrimaryContactSerializer(allow_null=True))
    def get_primary_contact(self, obj):
        primaries = getattr(obj, "primary_contacts", None)
        if primaries is None:
            primaries = [c for c in obj.contacts.all() if c.is_primary]
        return contact_brief(primaries[0]) if primaries else None


class SharedCustomerSerializer(CustomerSerializer):
    """A row of the shared list (S2). `readable` false: a customer a subordinate created
    that is now in the pool or someone else's, listed with its public fields (C2) and its
    creator; every other field is null."""

    readable = serializers.BooleanField(read_only=True)

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "readable"]

    # The public fields' keys in this shape (a dictionary field is its id and its name).
    KEYS = {
        "category": ("category", "category_name"),
        "industry": ("industry", "industry_name"),
        "region": ("region", "region_name"),
        "source": ("source", "source_name"),
    }

    def get_fields(self):
        # A row that is not readable carries null in every field outside the public ones,
        # which the schema has to say: those beyond the base public fields may be null.
        fields = super().get_fields()
        always = {"readable", "created_by"}
        for field in BASE_PUBLIC_FIELDS:
            always.update(self.KEYS.get(field, (field,)))
        for name, field in fields.items():
            if name not in always:
                field.allow_null = True
        return fields

    def to_representation(self, customer):
        data = super().to_representation(customer)
        if customer.readable:
            return data
        shown = self.shown_keys
        return {key: value if key in shown else None for key, value in data.items()}

    @functools.cached_property
    def shown_keys(self):
        """Read once for a page (one serializer serves all its rows)."""
        public = public_fields(self.context)
        shown = {"readable", "created_by"}
        for field in public:
            shown.update(self.KEYS.get(field, (field,)))
        return shown


class NewCustomerSerializer(CustomerSerializer):
    claim = serializers.BooleanField(required=False, default=False, write_only=True)

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "claim"]


class RelationSerializer(serializers.ModelSerializer):
    relation_type = DictionaryRef("relation", required=True)
    relation_type_name = serializers.CharField(source="relation_type.label", read_only=True)

    class Meta:
        model = SocialRelation
        fields = ["id", "relation_type", "relation_type_name", "person_name", "notes"]


class ContactSerializer(serializers.ModelSerializer):
    relations = RelationSerializer(many=True, read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "name",
            "title",
            "mobile",
            "phone",
            "email",
            "notes",
            "is_primary",
            "relations",
        ]


class IdsSerializer(serializers.Serializer):
    ids = serializers.ListField(child=row_id(), allow_empty=False, max_length=1000)


class ShareRowSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True, allow_null=True)
    department = serializers.SerializerMethodField()
    shared_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Share
        fields = ["id", "user", "department", "shared_by", "created_at"]

    def get_department(self, obj) -> dict | None:
        return {"id": obj.department_id, "name": obj.department.name} if obj.department_id else None


class AddShareSerializer(serializers.Serializer):
    users = user_ids(required=False, default=list, max_length=5000)
    departments = department_ids(required=False, default=list, max_length=500)


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=["ownership", "edit", "record"])
    action = serializers.CharField()
    # kind "record": which of the customer's records or contacts, e.g. "Payment: 10.00".
    object = serializers.CharField(allow_null=True, required=False, default=None)
    actor = serializers.CharField(allow_null=True)
    from_user = serializers.CharField(allow_null=True)
    to_user = serializers.CharField(allow_null=True)
    to_department = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    changes = serializers.ListField(child=serializers.DictField())


class HandOverResultSerializer(BatchResultSerializer):
    deactivated = serializers.BooleanField()


class CategoryDaysSerializer(serializers.Serializer):
    """One customer category's own days of the automatic return: null for the pool's, 0
    for off."""

    # Any category, a disabled one too: what GET gives back may be sent again.
    category = RowRef(
        lazy_text(lambda: _("customer category")),
        queryset=DictionaryItem.objects.filter(kind=DictionaryKind.CATEGORY),
    )
    no_contact_days = serializers.IntegerField(
        min_value=0, max_value=3650, allow_null=True, required=False
    )
    no_deal_days = serializers.IntegerField(
        min_value=0, max_value=3650, allow_null=True, required=False
    )


class PoolRulesSerializer(serializers.ModelSerializer):
    """The pool rules (issue 17). `categories`, when sent, replaces every category's own
    days; a category left out follows the pool's."""

    categories = CategoryDaysSerializer(many=True, required=False)

    class Meta:
        model = PoolRules
        fields = [*RULE_FIELDS, "categories"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["categories"] = [
            {
                "category": rule.category_id,
                "no_contact_days": rule.no_contact_days,
                "no_deal_days": rule.no_deal_days,
            }
            for rule in CategoryReturnRule.objects.order_by("category_id")
        ]
        return data

    def validate_categories(self, rows):
        # A PATCH makes every field optional, the rows' own too: each must name its category.
        if any("category" not in row for row in rows):
            raise serializers.ValidationError(_("Name the category of each row."))
        seen = [row["category"].pk for row in rows]
        if len(seen) != len(set(seen)):
            raise serializers.ValidationError(_("Give each category once."))
        return rows


class ReturnSerializer(BatchSerializer):
    """A return, with why from the data dictionary's return reasons (issue 17), into the
    customers' own pool, or, with `pool`, into that one (null: the company pool), for
    those who may put customers in it."""

    reason_item = DictionaryRef("return_reason", required=False)
    pool = PoolRef(source="to_pool", required=False)


class RowRefs(serializers.ListField):
    """Ids of rows of `queryset`, read in one query whatever their number; given back as
    the rows, in the order sent, each once. Shown as the ids of a many-to-many field."""

    def __init__(self, noun, queryset, **kwargs):
        self.noun, self.queryset = noun, queryset
        kwargs.setdefault("max_length", 5000)
        super().__init__(child=row_id(), **kwargs)

    def run_validation(self, data=serializers.empty):
        ids = list(dict.fromkeys(super().run_validation(data)))
        found = self.queryset.in_bulk(ids)
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(
                _("No %(noun)s with id %(ids)s.")
                % {"noun": self.noun, "ids": ", ".join(map(str, missing))}
            )
        return [found[pk] for pk in ids]

    def to_representation(self, related):
        return [row.pk for row in related.all()]


class PoolSerializer(serializers.ModelSerializer):
    """A pool besides the company pool (issue 17): its people, and its rules, applied
    when `own_rules` is on (otherwise it follows the company pool's). `members`,
    `departments` and `managers`, when sent, each replace the pool's. `customer_count`:
    its customers outside the recycle bin."""

    name = serializers.CharField(max_length=POOL_NAME_MAX_LENGTH)
    members = RowRefs(lazy_text(lambda: _("user")), User.objects.all(), required=False)
    departments = RowRefs(
        lazy_text(lambda: _("department")), Department.objects.all(), required=False
    )
    managers = RowRefs(lazy_text(lambda: _("user")), User.objects.all(), required=False)
    customer_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Pool
        fields = [
            "id",
            "name",
            "own_rules",
            "members",
            "departments",
            "managers",
            "customer_count",
            *POOL_RULE_FIELDS,
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def _active_or_kept(self, users, field):
        """People newly named must be active; one deactivated since may stay (what GET
        gives back may be sent again)."""
        kept = set()
        if self.instance is not None:
            kept = set(getattr(self.instance, field).values_list("pk", flat=True))
        inactive = [u.pk for u in users if not u.is_active and u.pk not in kept]
        if inactive:
            raise serializers.ValidationError(
                _("No active user with id %(ids)s.") % {"ids": ", ".join(map(str, inactive))}
            )
        return users

    def validate_members(self, users):
        return self._active_or_kept(users, "members")

    def validate_managers(self, users):
        return self._active_or_kept(users, "managers")


class PoolDeletedSerializer(serializers.Serializer):
    moved = serializers.IntegerField(help_text="customers moved to the company pool")
