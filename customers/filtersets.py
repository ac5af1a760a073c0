"""Quick search (SPEC L1) and combined query (L2) for every customer list, page and API.

The pool gets only filters over public fields: filtering the pool by phone or contact
would tell a stranger what a customer's private fields hold (C2)."""

import datetime
import functools

import django_filters as filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.utils import extend_schema_field

from core.counting import capped_total
from core.ids import MAX_ROW_ID
from org.forms import PersonChoiceField
from settings_app import dictionary
from settings_app.models import DictionaryItem

from . import querysets, search
from .models import Contact, Customer, Share
from .models.customer import SORT_KEYS
from .sorting import MINE_SORTS, PUBLIC_SORTS, RECORD_SORTS, sort_for


class DayBoundFilter(filters.DateFilter):
    """A calendar date in the site's time zone, compared against a timestamp column
    as a range so the column's index is used (not `__date`, which wraps the column)."""

    def __init__(self, *args, upper=False, **kwargs):
        self.upper = upper
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value or value == (datetime.date.max if self.upper else datetime.date.min):
            # From the first day there is, or until the last: no bound (midnight of either
            # in a zone east or west of UTC lies outside what a timestamp holds).
            return qs
        day = value + datetime.timedelta(days=1) if self.upper else value
        bound = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        lookup = "lt" if self.upper else "gte"
        return qs.filter(**{f"{self.field_name}__{lookup}": bound})


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID})
class RowIdFilter(filters.NumberFilter):
    """The id of a row: a whole number a key can hold, else a 400. (A NumberFilter took
    1.5 for row 1, and a number too big for a key was a 500 on SQLite, whose driver
    raises OverflowError.)"""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ROW_ID, **kwargs)


class Ordering(filters.OrderingFilter):
    """django-filter's ordering, except that a list of no names ("ordering=,") keeps the
    list's own order: django-filter ordered by nothing then, and an unordered list pages
    at random."""

    def filter(self, qs, value):
        return super().filter(qs, [name for name in value or () if name])


class CustomerOrdering(filters.OrderingFilter):
    """Sort by one of `sorts` (customers.sorting), each served by an index of its own."""

    def __init__(self, sorts, **kwargs):
        self.sorts = sorts
        kwargs["fields"] = [(param, param) for param, _label, _keys in sorts]
        kwargs["field_labels"] = {param: label for param, label, _keys in sorts}
        super().__init__(**kwargs)

    def filter(self, qs, value):
        return qs.order_by(*sort_for(value[0] if value else "", self.sorts).order_by())


class PrivateFieldFilter:
    """A filter over a field that is not public (C2): it matches only the customers whose
    private fields the list may search (CustomerFilterSet.of_private)."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return super().filter(self.parent.of_private(qs), value)


class PrivateDayBoundFilter(PrivateFieldFilter, DayBoundFilter):
    pass


def dictionary_filter(kind, label, filter_class=None):
    """A dictionary item of one list; an unknown id is a 400 in the API, an error on pages."""
    return (filter_class or DictionaryFilter)(
        field_name=kind, label=label, kind=kind, queryset=DictionaryItem.objects.filter(kind=kind)
    )


class DictionaryFilter(filters.ModelChoiceFilter):
    """Filters by the item's sort key where there is one (sort_region = 5 is region = 5):
    then the index that sorts by the column also finds its rows, in list order."""

    field_class = dictionary.ItemChoiceField

    def filter(self, qs, value):
        if value is None:
            return qs
        key = f"sort_{self.field_name}"
        column = key if key in SORT_KEYS else self.field_name
        return qs.filter(**{column: value.pk})


class PrivateDictionaryFilter(PrivateFieldFilter, DictionaryFilter):
    pass


def active_people(request):
    return get_user_model().objects.filter(is_active=True).order_by("display_name", "username")


class PersonFilter(filters.ModelChoiceFilter):
    field_class = PersonChoiceField


COMPANY_POOL = "company"


def pool_choices(user):
    """(id, name) of each pool besides the company pool that `user` sees."""
    if user is None or not querysets.pool_access(user).seen:
        return []  # no pool added: no query
    return [(str(pk), name) for pk, name in querysets.pools(user).values_list("pk", "name")]


@extend_schema_field({"type": "string", "pattern": rf"^({COMPANY_POOL}|[0-9]+)$"})
class PoolFilter(filters.ChoiceFilter):
    """The pool customers are in (issue 17): "company" for the company pool, else the id of
    a pool the person sees (its choices: PoolFilterSet gives it the person's)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("null_value", COMPANY_POOL)
        kwargs.setdefault("null_label", _("Company pool"))
        error = _("No pool you may see has the id “%(value)s”.")
        kwargs.setdefault("error_messages", {"invalid_choice": error})
        super().__init__(**kwargs)


class PoolFilterSet(filters.FilterSet):
    search = filters.CharFilter(method="quick_search", label=_("Quick search"), max_length=100)
    name = filters.CharFilter(method="name_contains", label=_("Name"), max_length=200)
    category = dictionary_filter("category", _("Category"))
    industry = dictionary_filter("industry", _("Industry"))
    region = dictionary_filter("region", _("Region"))
    status = filters.ChoiceFilter(
        method="by_status",
        choices=(("claimed", pgettext_lazy("customers", "Claimed")), ("unclaimed", _("Unclaimed"))),
        label=_("Status"),
    )
    owner = PersonFilter(field_name="owner", label=_("Owner"), queryset=active_people)
    pool = PoolFilter(field_name="pool", label=_("Pool"))
    never_claimed = filters.BooleanFilter(method="by_never_claimed", label=_("Never claimed"))
    created_after = DayBoundFilter(field_name="created_at", label=_("Created from"))
    created_before = DayBoundFilter(field_name="created_at", upper=True, label=_("Created until"))
    ordering = CustomerOrdering(PUBLIC_SORTS)

    class Meta:
        model = Customer
        fields = []

    searches_contacts = False
    # Where only some customers listed may have their private fields searched: the Q that
    # holds them (SharedFilterSet).
    private = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The pools the person sees, read only when the filter is shown or used.
        user = getattr(self.request, "user", None)
        self.filters["pool"].extra["choices"] = functools.partial(pool_choices, user)

    # The rows as the capped total reads them, when the quick search gives them apart.
    _counted = None

    def filter_queryset(self, queryset):
        # The quick search last: it chooses how to read the list as the other filters
        # narrow it, and gives the total its own rows (`counted`).
        values = self.form.cleaned_data
        self._counted = None
        for name in sorted(values, key=lambda name: name == "search"):
            queryset = self.filters[name].filter(queryset, values[name])
        return queryset

    def counted(self):
        """The rows of `qs`, as the capped total reads them."""
        rows = self.qs
        return rows if self._counted is None else self._counted

    def quick_search(self, qs, name, value):
        if not value.strip():
            return qs
        contacts, private = self.searches_contacts, self.private
        found, self._counted = search.quick_search(qs, value, contacts=contacts, private=private)
        return found

    def name_contains(self, qs, name, value):
        return search.name_contains(qs, value) if value.strip() else qs

    def by_never_claimed(self, qs, name, value):
        """Unclaimed customers nobody ever owned (the dashboard's figure, issue 18); not
        never claimed: those owned now or once."""
        if value is None:
            return qs
        never = querysets.never_claimed()
        return qs.filter(never) if value else qs.exclude(never)

    def by_status(self, qs, name, value):
        # The status sort key, so that its index finds the rows (in name order).
        return qs.filter(sort_status=(value == "claimed"))


class CustomerFilterSet(PoolFilterSet):
    """Mine and shared: full records, so contacts and phones may be searched too."""

    source = dictionary_filter("source", _("Source"), PrivateDictionaryFilter)
    contact = filters.CharFilter(method="contact_contains", label=_("Contact name"), max_length=100)
    phone = filters.CharFilter(method="phone_contains", label=_("Phone"), max_length=50)
    contacted_after = PrivateDayBoundFilter(
        field_name="last_contacted_at", label=_("Contacted from")
    )
    contacted_before = PrivateDayBoundFilter(
        field_name="last_contacted_at", upper=True, label=_("Contacted until")
    )
    # Never contacted counts as contacted long ago (the contact sort key): the dashboard's
    # "not contacted for 30 days" (issue 18) holds those never contacted too.
    quiet_until = PrivateDayBoundFilter(
        field_name="sort_contacted", upper=True, label=_("Not contacted after")
    )
    ordering = CustomerOrdering(RECORD_SORTS)

    searches_contacts = True

    def of_private(self, qs):
        """The customers of `qs` whose private fields may be searched."""
        return qs if self.private is None else qs.filter(self.private)

    def contact_contains(self, qs, name, value):
        if not value.strip():
            return qs
        return search.contact_name_contains(self.of_private(qs), value)

    def phone_contains(self, qs, name, value):
        digits = value.strip()
        if not digits:
            return qs
        contacts = Contact.objects.filter(Q(phone__contains=digits) | Q(mobile__contains=digits))
        found = Q(phone__contains=digits) | Q(pk__in=contacts.values("customer_id"))
        return self.of_private(qs).filter(found)


class MineFilterSet(CustomerFilterSet):
    """My customers: also those due back in the pool by a day (issue 17: "due to return
    this week"), read from the owner's index of due dates."""

    returns_before = DayBoundFilter(
        field_name="sort_returns", upper=True, label=_("Returns to the pool by")
    )
    ordering = CustomerOrdering(MINE_SORTS)


def narrows(filterset_class, params):
    """Whether `params` (a query string) give any filter of the set a value, the order
    aside: the list is then narrowed from what the visibility layer gives."""
    return any(params.get(name) for name in filterset_class.base_filters if name != "ordering")


def shared_total(rows, params, user, scope, shared_by):
    """The capped total of `rows`, the shared list of (user, scope, shared_by) as `params`
    filter it: unfiltered, counted in parts (querysets.shared_ids_in_parts)."""
    if narrows(SharedFilterSet, params):
        return capped_total(rows)
    return capped_total(querysets.shared_ids_in_parts(user, scope, shared_by))


class SharedFilterSet(CustomerFilterSet):
    """Shared customers (S2): a customer a subordinate created is listed even when it is
    now in the pool or someone else's, and its private fields are not searched then."""

    # The customers my subordinates own now, not those they created that are since in the
    # pool or someone else's (a supervisor's home page counts them, issue 18).
    team_owned = filters.BooleanFilter(method="by_team_owned", label=_("Owned by my team"))

    def by_team_owned(self, qs, name, value):
        if value is None:
            return qs
        owned = Q(owner_id__in=querysets.subordinate_ids(self.request.user))
        return qs.filter(owned) if value else qs.exclude(owned)

    @functools.cached_property
    def private(self):
        # Read only when a private field is searched.
        return querysets.private_search_condition(self.request.user)


def spans_many(model, path):
    """Whether a field path goes through a relation to many rows."""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.one_to_many or field.many_to_many:
            return True
        model = field.related_model
    return False


class TextSearchFilterSet(filters.FilterSet):
    """Quick search (L1) of a short list, such as a customer's tab: a substring of any of
    `search_fields`, in any case."""

    search_fields: tuple = ()

    search = filters.CharFilter(method="quick_search", label=_("Quick search"), max_length=100)

    def search_condition(self, keyword):
        model = self.queryset.model
        condition = Q()
        for field in self.search_fields:
            match = Q(**{f"{field}__icontains": keyword})
            if spans_many(model, field):
                # A join to many (a quote's lines) would list a row once per match.
                match = Q(pk__in=model.objects.filter(match).values("pk"))
            condition |= match
        return condition

    def quick_search(self, qs, name, value):
        keyword = value.strip()
        return qs.filter(self.search_condition(keyword)) if keyword else qs


class ContactFilterSet(TextSearchFilterSet):
    """The contacts tab (C4)."""

    search_fields = ("name", "title", "mobile", "phone", "email")
    ordering = Ordering(fields=search_fields)

    class Meta:
        model = Contact
        fields = []


def person_name(path):
    """The name a person is listed by: their display name, else their username."""
    return Coalesce(NullIf(f"{path}__display_name", Value("")), f"{path}__username")


class ShareFilterSet(TextSearchFilterSet):
    """The shares tab (M5): found and sorted by the names its columns show."""

    search_fields = (
        "user__display_name",
        "user__username",
        "department__name",
        "shared_by__display_name",
        "shared_by__username",
    )
    ordering = Ordering(
        fields=(("shared_with", "shared_with"), ("sharer", "shared_by"), ("created_at", "since"))
    )

    class Meta:
        model = Share
        fields = []

    def filter_queryset(self, queryset):
        # A share is with a person or a whole department: one name column to sort by.
        named = queryset.annotate(
            shared_with=Coalesce(person_name("user"), "department__name"),
            sharer=person_name("shared_by"),
        )
        return super().filter_queryset(named)
