"""Quick search (SPEC L1) and combined query (L2) for every customer list, page and API.

The pool gets only filters over public fields: filtering the pool by phone or contact
would tell a stranger what a customer's private fields hold (C2)."""

import datetime

import django_filters as filters
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import counting
from org.forms import PersonChoiceField
from settings_app import dictionary
from settings_app.models import DictionaryItem

from . import search
from .models import Contact, Customer


class DayBoundFilter(filters.DateFilter):
    """A calendar date in the site's time zone, compared against a timestamp column
    as a range so the column's index is used (not `__date`, which wraps the column)."""

    def __init__(self, *args, upper=False, **kwargs):
        self.upper = upper
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        day = value + datetime.timedelta(days=1) if self.upper else value
        bound = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        lookup = "lt" if self.upper else "gte"
        return qs.filter(**{f"{self.field_name}__{lookup}": bound})


class CustomerOrdering(filters.OrderingFilter):
    """Sort by a column, then by id, so paging is stable. `status` sorts unclaimed first."""

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        for param in value:
            descending = param.startswith("-")
            field = self.param_map[param.lstrip("-")]
            if field == "status":
                expression = F("owner_id")
                ordering.append(
                    expression.desc(nulls_last=True)
                    if descending
                    else expression.asc(nulls_first=True)
                )
            else:
                ordering.append(f"-{field}" if descending else field)
        return qs.order_by(*ordering, "-id" if value[0].startswith("-") else "id")


PUBLIC_ORDERING = (
    ("name", "name"),
    ("category__sort_order", "category"),
    ("industry__sort_order", "industry"),
    ("region__sort_order", "region"),
    ("status", "status"),
    ("owner__display_name", "owner"),
    ("created_at", "created_at"),
)
PRIVATE_ORDERING = (
    ("source__sort_order", "source"),
    ("phone", "phone"),
    ("claimed_at", "claimed_at"),
    ("last_contacted_at", "last_contacted_at"),
    ("updated_at", "updated_at"),
)


def dictionary_filter(kind, label):
    """A dictionary item of one list; an unknown id is a 400 in the API, an error on pages."""
    return DictionaryFilter(
        field_name=kind, label=label, kind=kind, queryset=DictionaryItem.objects.filter(kind=kind)
    )


class DictionaryFilter(filters.ModelChoiceFilter):
    field_class = dictionary.ItemChoiceField


def active_people(request):
    return get_user_model().objects.filter(is_active=True).order_by("display_name", "username")


class PersonFilter(filters.ModelChoiceFilter):
    field_class = PersonChoiceField


def matching(qs, match):
    """The rows of `qs` that a search's Match selects; when the search knows there are few,
    the list's total counts them without estimating first (core.counting.at_most)."""
    rows = qs.filter(match.as_q())
    return rows if match.at_most is None else counting.at_most(rows, match.at_most)


class PoolFilterSet(filters.FilterSet):
    search = filters.CharFilter(method="quick_search", label=_("Quick search"), max_length=100)
    name = filters.CharFilter(method="name_contains", label=_("Name"), max_length=200)
    category = dictionary_filter("category", _("Category"))
    industry = dictionary_filter("industry", _("Industry"))
    region = dictionary_filter("region", _("Region"))
    status = filters.ChoiceFilter(
        method="by_status",
        choices=(("claimed", _("claimed")), ("unclaimed", _("unclaimed"))),
        label=_("Status"),
    )
    owner = PersonFilter(field_name="owner", label=_("Owner"), queryset=active_people)
    created_after = DayBoundFilter(field_name="created_at", label=_("Created from"))
    created_before = DayBoundFilter(field_name="created_at", upper=True, label=_("Created until"))
    ordering = CustomerOrdering(fields=PUBLIC_ORDERING)

    class Meta:
        model = Customer
        fields = []

    searches_contacts = False

    def in_name_order(self):
        """Whether the rows will be sorted by name: asked for, or no order asked for (lists
        are by name then; the recycle bin is not, but its rows are not on the name indexes
        that a bound on the name could steer the database to)."""
        ordering = getattr(self.form, "cleaned_data", {}).get("ordering")  # {}: unbound
        return not ordering or ordering[0].lstrip("-") == "name"

    def quick_search(self, qs, name, value):
        if not value.strip():
            return qs
        found = search.quick_search(
            value, contacts=self.searches_contacts, in_name_order=self.in_name_order()
        )
        return matching(qs, found)

    def name_contains(self, qs, name, value):
        if not value.strip():
            return qs
        return matching(qs, search.name_contains(value, in_name_order=self.in_name_order()))

    def by_status(self, qs, name, value):
        return qs.filter(owner__isnull=(value == "unclaimed"))


class CustomerFilterSet(PoolFilterSet):
    """Mine and shared: full records, so contacts and phones may be searched too."""

    source = dictionary_filter("source", _("Source"))
    contact = filters.CharFilter(method="contact_contains", label=_("Contact name"), max_length=100)
    phone = filters.CharFilter(method="phone_contains", label=_("Phone"), max_length=50)
    contacted_after = DayBoundFilter(field_name="last_contacted_at", label=_("Contacted from"))
    contacted_before = DayBoundFilter(
        field_name="last_contacted_at", upper=True, label=_("Contacted until")
    )
    ordering = CustomerOrdering(fields=PUBLIC_ORDERING + PRIVATE_ORDERING)

    searches_contacts = True

    def contact_contains(self, qs, name, value):
        return matching(qs, search.contact_name_contains(value)) if value.strip() else qs

    def phone_contains(self, qs, name, value):
        digits = value.strip()
        if not digits:
            return qs
        contacts = Contact.objects.filter(Q(phone__contains=digits) | Q(mobile__contains=digits))
        return qs.filter(Q(phone__contains=digits) | Q(pk__in=contacts.values("customer_id")))
