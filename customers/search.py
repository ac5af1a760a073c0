"""How a search keyword becomes a condition on customers (SPEC L1, L2).

What matches never changes: the keyword, folded (customers.normalize.fold), is a substring
of the folded name — or of a contact's folded name where contacts are searched (mine and
shared, never the pool: C2) — or the keyword is in the category's name.

How the database finds the matches is chosen per list and keyword, by what each way
costs in rows read:

- a short list (at most SEARCH_SHORT_LIST customers: my customers, a salesperson's shared
  list) is read whole through its own index and every name compared;
- in a long list, the name indexes (customers.search_index) nominate candidates, the
  entries of the keyword's rarest character pair, and measure on a sample how many of
  them match. Reading the candidates costs one row each; reading the list in its own
  order (an index range, core.keyset) costs the rows passed until the capped total
  (core.counting) is reached, which the share of matching customers tells. The cheaper
  way is taken: a keyword in one name of a hundred is read from its candidates, one in
  every tenth name while walking the list."""

from django.conf import settings
from django.db.models import Exists, Field, Lookup, OuterRef, Q

from settings_app.models import DictionaryItem

from .models import Contact, Customer
from .normalize import fold
from .search_index import CONTACT_NAMES, CUSTOMER_NAMES

# What comparing one row's contacts costs while walking, in rows: an index probe and the
# contacts it finds.
CONTACT_COST = 2


def short_list_ids(rows):
    """The ids of the list `rows` when it is short enough to be searched by reading it
    whole (at most SEARCH_SHORT_LIST customers), else None."""
    ids = list(rows.order_by().values_list("pk", flat=True)[: settings.SEARCH_SHORT_LIST + 1])
    return ids if len(ids) <= settings.SEARCH_SHORT_LIST else None


def _plan(rows, folded, indexes, *, dense=False, enough=None):
    """How `rows` is searched for `folded` in `indexes`: (lookups, short). `short`: the
    list's ids when it is read whole, else None; `lookups`: one per index, the Lookup
    whose candidates are read, or None where the list is walked. `dense`: the matches
    are known to be many (a whole category), so they are met soon while walking.
    `enough`: how many matches the reader wants (default: up to the capped total)."""
    short = short_list_ids(rows)
    found = None if short is not None or dense else _candidates(folded, indexes, enough)
    return found or (None,) * len(indexes), short


def _candidates(folded, indexes, enough=None):
    """The name indexes' Lookups of `folded`, one per index, each None where that index's
    names are compared while reading the list in order until `enough` matches; None when
    every one is (it costs less than reading their candidates)."""
    if not folded:
        return None
    found = [index.lookup(folded, settings.SEARCH_CANDIDATE_LIMIT) for index in indexes]
    size = CUSTOMER_NAMES.newest_id()  # the company's size
    if None not in found:
        entries = sum(lookup.entries for lookup in found)
        matches = sum(lookup.matches for lookup in found)
        contacts = found[1].entries if len(found) == 2 else None
        if candidates_cost_less(entries, matches, size, contacts=contacts, enough=enough):
            return found
    if indexes == (CUSTOMER_NAMES, CONTACT_NAMES) and found[1] is not None:
        # The names are compared while walking; the contacts' names too, unless their
        # candidates are fewer than the contacts the walk would compare. (As a condition
        # on each walked row, PostgreSQL compared every contact of the company instead:
        # benchmark row "shared, supervisor over 250 people", search 公司.)
        names, by_contact = found
        walked = _walked(size if names is None else names.matches, size, enough)
        if by_contact.entries <= walked * CONTACT_COST:
            return [None, by_contact]
    return None


def _walked(matches, size, enough=None):
    """How many customers reading a list of up to `size` in its order passes until `enough`
    matches (the capped total unless said), `matches` of them holding the keyword."""
    enough = settings.COUNT_CAP + 1 if enough is None else enough
    return min(size, enough * size / max(matches, 1))


def candidates_cost_less(entries, matches, size, *, contacts=None, enough=None):
    """Whether reading `entries` candidates reads fewer rows than walking a list of up to
    `size` customers, `matches` of which hold the keyword, until `enough` matches (the
    capped total unless said). `contacts`: where contacts are searched, their candidates,
    which the walk reads too, or compares each walked row's contacts where that is less
    (benchmark row "shared, supervisor over 250 people", search 科技有限)."""
    walked = _walked(matches, size, enough)
    if contacts is not None:
        walked += min(walked * CONTACT_COST, contacts)
    return entries <= walked


@Field.register_lookup
class Among(Lookup):
    """`pk__among=subquery`: one of the ids the subquery reads. On PostgreSQL `= ANY(ARRAY
    (subquery))`: the candidates are read first and their rows looked up by key, as the
    plan above chose. As `IN (subquery)` PostgreSQL misjudged their number and read every
    customer instead (benchmark row "shared, supervisor over 250 people", search 店)."""

    lookup_name = "among"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        among = f"= ANY(ARRAY{rhs})" if connection.vendor == "postgresql" else f"IN {rhs}"
        return f"{lhs} {among}", [*lhs_params, *rhs_params]


def _in(ids):
    """The condition that a row's id is one of `ids`, a list or a subquery (Lookup.ids)."""
    return Q(pk__in=ids) if isinstance(ids, list) else Q(pk__among=ids)


def _by_name(folded, lookup=None):
    condition = Q(search_name__contains=folded)
    return condition if lookup is None else _in(lookup.ids) & condition


def _by_contact(folded, lookup=None, among=None):
    if among is not None:
        # A short list (`among` its ids): its customers' contacts are compared now, in one
        # query by customer. (PostgreSQL turned an EXISTS under an OR into one pass over
        # every contact in the company: my customers, 有, 184 ms.)
        theirs = Contact.objects.filter(customer_id__in=among, search_name__contains=folded)
        # Without the contacts' own ordering: its columns would join the DISTINCT, one row
        # per contact instead of per customer.
        return Q(pk__in=list(theirs.order_by().values_list("customer_id", flat=True).distinct()))
    if lookup is None:
        return Exists(Contact.objects.filter(customer=OuterRef("pk"), search_name__contains=folded))
    return Q(pk__in=_contacts_customers(folded, lookup))


def _contacts_customers(folded, lookup):
    """The customer ids of the contacts among `lookup`'s candidates whose name holds
    `folded`."""
    contacts = Contact.objects.filter(_in(lookup.ids), search_name__contains=folded)
    return contacts.order_by().values("customer_id")


def _by_category(keyword):
    """Category names are a short list: compared here, so the query holds only ids. A
    category matches by its name in either language, whichever the page shows."""
    categories = DictionaryItem.objects.filter(
        Q(name__icontains=keyword) | Q(name_zh_hans__icontains=keyword), kind="category"
    )
    ids = list(categories.values_list("pk", flat=True))
    return Q(category_id__in=ids) if ids else None


def _from_candidates(rows, folded, found, private):
    """The customers of `rows` whose name, or one of whose contacts' names (of those
    `private` holds, when given), holds `folded`, both read from their candidates
    (`found`): (those rows, the same rows as their capped total reads them).
    The rows are those of one set of ids, so the list's query reads these few rows and
    sorts them. (Written as the OR of two conditions, PostgreSQL walked the whole list in
    its order for them: benchmark row "shared, supervisor over 250 people", a contact's
    name only.) The total counts those found by name, then the others: it stops at the cap
    without reading every candidate, as a sorted page must (the same list, search 武)."""
    by_name, by_contact = _by_name(folded, found[0]), _by_contact(folded, found[1])
    others = rows.filter(by_contact).exclude(search_name__contains=folded)
    names = Customer._base_manager.filter(by_name).order_by().values("pk")
    matching = rows.filter(pk__in=names.union(_contacts_customers(folded, found[1])))
    if private is not None:
        # Checked on the rows found, not on each matching contact's customer first: a
        # row found by a contact alone is one whose name does not hold the keyword.
        others = others.filter(private)
        matching = matching.filter(Q(search_name__contains=folded) | private)
    counted = rows.filter(by_name).order_by().values("pk")
    return matching, counted.union(others.order_by().values("pk"), all=True)


def quick_search(rows, keyword, *, contacts, private=None):
    """Quick search (L1) in the list `rows`: name or category, and contact names when
    `contacts` (of the customers `private` holds, when given). Returns (the rows found,
    the same rows as their capped total reads them)."""
    keyword = keyword.strip()
    folded = fold(keyword)
    indexes = (CUSTOMER_NAMES, CONTACT_NAMES) if contacts else (CUSTOMER_NAMES,)
    category = _by_category(keyword)
    found, short = _plan(rows, folded, indexes, dense=category is not None)
    # Where no contact holds even the keyword's rarest pair, the names' condition below is
    # the whole answer, and PostgreSQL planned the union worse than it.
    if contacts and None not in found and found[1].entries:
        return _from_candidates(rows, folded, found, private)
    condition = _by_name(folded, found[0])
    if contacts:
        by_contact = _by_contact(folded, found[1], among=short)
        condition |= by_contact if private is None else by_contact & private
    if category is not None:
        condition |= category
    rows = rows.filter(condition)
    return rows, rows


def name_contains(rows, text, *, enough=None):
    """Customers of `rows` whose name holds `text`; `enough`: the reader wants only the
    first so many (a picker), not a total."""
    folded = fold(text.strip())
    found, _short = _plan(rows, folded, (CUSTOMER_NAMES,), enough=enough)
    return rows.filter(_by_name(folded, found[0]))


def contact_name_contains(rows, text):
    folded = fold(text.strip())
    found, short = _plan(rows, folded, (CONTACT_NAMES,))
    return rows.filter(_by_contact(folded, found[0], among=short))
