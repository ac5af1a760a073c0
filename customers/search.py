"""How a search keyword becomes a query (SPEC L1, L2), fast at a million customers.

What matches never changes: the keyword, folded (customers.normalize.fold), is a substring
of the folded name — or of a contact's folded name where contacts are searched (mine and
shared, never the pool: C2) — or the keyword is in the category's name.

How it is found depends on how rare the keyword is, which the name indexes
(customers.search_index) tell in a few cheap lookups:

- rare (its rarest character pair has at most SEARCH_CANDIDATE_LIMIT entries): the index
  names the candidates, the query reads just those rows by key and compares the names;
  one-character, two-character and long keywords alike. Up to RARE_ENOUGH candidates are
  read at once and the query holds their ids; the customers of matching contacts are
  always read first, once, rather than found again by every query of the list;
- common (有限公司, a single frequent character): the list is read in its own order and
  names are compared on the way; matches are dense, so a page fills after a few hundred
  rows, and the total is estimated (core.counting) instead of counted.

A common keyword whose matches all sort late (鑫: 25,000 matches, all after the 333,000
Latin names) would walk far before the first page fills; when the list is in name order
the index also tells between which names the matches lie (customers.search_index
name_bounds), and the walk keeps to them.

Weak spot, on mine and shared, whose contact names are searched too: a keyword with more
than SEARCH_CANDIDATE_LIMIT candidates among contact names (王, a common surname: 10,700
contacts at a million customers) is an EXISTS on each row, and the list is walked from its
first name; on a supervisor's shared list (15 % of the customers) the matches are sparse,
and the walk reads 350,000 rows (0.8 s on PostgreSQL, 1 s on SQLite). So does a keyword
common in names whose bounds are wide (科技: a few mixed names such as "Acacia 科技" start
in the Latin range; 0.35 s on shared). On "my customers" (2,000 rows) both take 25–40 ms.
Cures: read the contact half and the name half separately, each in list order, and merge
them; walk the keyword's own entries of the ordered customer index (by sort key) rather
than the whole list."""

from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Exists, OuterRef, Q

from core.expressions import HasSubstring, Likely, OneOf
from settings_app.models import DictionaryItem

from .models import Contact, Customer
from .normalize import fold
from .search_index import CONTACT_NAMES, CUSTOMER_NAMES


def candidate_limit():
    return settings.SEARCH_CANDIDATE_LIMIT


@dataclass(frozen=True)
class Match:
    """A condition on customers and, when the customers that can satisfy it are known
    and few, what names them (None: any customer may): subqueries of customer ids, or
    lists of them already read."""

    condition: Q
    keys: tuple | None  # querysets of customer ids, or lists of them

    def __or__(self, other):
        keys = None if self.keys is None or other.keys is None else self.keys + other.keys
        return Match(self.condition | other.condition, keys)

    @property
    def at_most(self):
        """How many customers can match at most, when the candidates are known: a list
        names its own, a subquery at most SEARCH_CANDIDATE_LIMIT."""
        if self.keys is None:
            return None
        return sum(len(key) if isinstance(key, list) else candidate_limit() for key in self.keys)

    def as_q(self):
        if self.keys is None:
            return self.condition
        lists = [key for key in self.keys if isinstance(key, list)]
        if len(lists) == len(self.keys):
            return Q(OneOf("pk", set().union(*lists))) & self.condition
        # One IN over the UNION of the candidates, never an OR of INs: PostgreSQL then
        # reads just those rows (an OR of INs becomes a filter on a walk of the list).
        first, *others = [
            Customer.objects.filter(OneOf("pk", key)).order_by().values("pk")
            if isinstance(key, list)
            else key
            for key in self.keys
        ]
        return Q(pk__in=first.union(*others) if others else first) & self.condition


_SORTED_BY_CODE_POINT = {}
# Python sorts these by code point; a collation for a language would not (B before a).
_COLLATION_PROBE = ["a", "B", "Z", "é", "一", "ｚ", "😀", "ab", "a b", "A"]


def sorts_by_code_point(alias=DEFAULT_DB_ALIAS):
    """Whether the database orders names by code point, as the index's sort keys are:
    SQLite always; PostgreSQL under the C or C.UTF-8 collation, not under a language's
    (then name bounds would be wrong, and are not used)."""
    if alias not in _SORTED_BY_CODE_POINT:
        union = " UNION ALL ".join(["SELECT %s AS name"] * len(_COLLATION_PROBE))
        with connections[alias].cursor() as cursor:
            cursor.execute(f"SELECT name FROM ({union}) probe ORDER BY name", _COLLATION_PROBE)
            found = [row[0] for row in cursor.fetchall()]
        _SORTED_BY_CODE_POINT[alias] = found == sorted(_COLLATION_PROBE)
    return _SORTED_BY_CODE_POINT[alias]


def _by_name(folded, in_name_order=False):
    bounded = in_name_order and sorts_by_code_point()
    found = CUSTOMER_NAMES.lookup(folded, candidate_limit(), bounds=bounded)
    common = found.rows is None  # so the list is walked in order: say so to the planner
    condition = (
        Q(HasSubstring("search_name", folded)) if common else Q(search_name__contains=folded)
    )
    if found.bounds is not None:
        low, high, high_included = found.bounds
        # Where to start (and stop) reading the list, seldom a narrow range: Likely.
        condition &= Q(Likely(Q(name__gte=low)))
        if high is not None:
            condition &= Q(Likely(Q(name__lte=high) if high_included else Q(name__lt=high)))
    if common:
        return Match(condition, None)
    return Match(
        condition, (found.rows if isinstance(found.rows, list) else found.rows.order_by(),)
    )


def _by_contact(folded):
    found = CONTACT_NAMES.lookup(folded, candidate_limit()).rows
    if found is None:
        matching = Contact.objects.filter(customer=OuterRef("pk"), search_name__contains=folded)
        return Match(Exists(matching), None)
    # The customers of the matching contacts are read here, once: as a subquery the list's
    # query would find them twice (its candidates, then its condition) for the count and
    # again for the page; and PostgreSQL sizes a list of ids right, a subquery not.
    matching = Contact.objects.filter(pk__in=found, search_name__contains=folded)
    customers = list(set(matching.values_list("customer_id", flat=True)))
    return Match(Q(OneOf("pk", customers)), (customers,))


def _by_category(keyword):
    """Category names are a short list: compared here, so the query holds only ids."""
    categories = DictionaryItem.objects.filter(kind="category", name__icontains=keyword)
    ids = list(categories.values_list("pk", flat=True))
    return Match(Q(category_id__in=ids), None) if ids else None


def quick_search(keyword, *, contacts, in_name_order=False):
    """Quick search (L1): name or category, and contact names when `contacts`; a Match,
    whose as_q() filters the list.
    `in_name_order`: the list is sorted by name, so bounds on the name can guide it."""
    keyword = keyword.strip()
    folded = fold(keyword)
    match = _by_name(folded, in_name_order)
    if contacts:
        match |= _by_contact(folded)
    category = _by_category(keyword)
    if category is not None:
        match |= category
    return match


def name_contains(text, *, in_name_order=False):
    return _by_name(fold(text.strip()), in_name_order)


def contact_name_contains(text):
    return _by_contact(fold(text.strip()))
