"""How a search keyword becomes a condition on customers (SPEC L1, L2).

What matches never changes: the keyword, folded (customers.normalize.fold), is a substring
of the folded name — or of a contact's folded name where contacts are searched (mine and
shared, never the pool: C2) — or the keyword is in the category's name.

How the database finds the matches depends on how long the list is and how rare the
keyword is, which the name indexes (customers.search_index) tell from the size of its
rarest character pair:

- a short list (at most SEARCH_SHORT_LIST customers: my customers, a salesperson's shared
  list) is read whole through its own index and every name compared; the name indexes
  would nominate candidates from the whole company instead;
- rare (at most SEARCH_CANDIDATE_LIMIT entries): the index names the candidates, and the
  query reads just those rows by key, compares their names and sorts the few that match;
- common: the list is read in its own order (an index range, core.keyset) and names are
  compared on the way; the matches are dense, so a page fills after a few thousand rows
  at most."""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from core.counting import capped_total
from settings_app.models import DictionaryItem

from .models import Contact
from .normalize import fold
from .search_index import CONTACT_NAMES, CUSTOMER_NAMES


def is_short(rows):
    """Whether the list `rows` is short enough to be searched by reading it whole."""
    return not capped_total(rows, settings.SEARCH_SHORT_LIST).is_capped


def _candidates(index, folded, short):
    """The ids a name index nominates for `folded` (a list or a subquery), or None when
    the list is short or the keyword too common for candidates to help."""
    return None if short else index.lookup(folded, settings.SEARCH_CANDIDATE_LIMIT)


def _by_name(folded, short=False):
    condition = Q(search_name__contains=folded)
    candidates = _candidates(CUSTOMER_NAMES, folded, short)
    return condition if candidates is None else Q(pk__in=candidates) & condition


def _by_contact(folded, short=False):
    candidates = _candidates(CONTACT_NAMES, folded, short)
    if candidates is None:
        return Exists(Contact.objects.filter(customer=OuterRef("pk"), search_name__contains=folded))
    contacts = Contact.objects.filter(pk__in=candidates, search_name__contains=folded)
    return Q(pk__in=contacts.values("customer_id"))


def _by_category(keyword):
    """Category names are a short list: compared here, so the query holds only ids."""
    categories = DictionaryItem.objects.filter(kind="category", name__icontains=keyword)
    ids = list(categories.values_list("pk", flat=True))
    return Q(category_id__in=ids) if ids else None


def quick_search(rows, keyword, *, contacts):
    """Quick search (L1) in the list `rows`: name or category, and contact names when
    `contacts`."""
    keyword = keyword.strip()
    folded = fold(keyword)
    short = is_short(rows)
    condition = _by_name(folded, short)
    if contacts:
        condition |= _by_contact(folded, short)
    category = _by_category(keyword)
    if category is not None:
        condition |= category
    return rows.filter(condition)


def name_contains(rows, text):
    return rows.filter(_by_name(fold(text.strip()), is_short(rows)))


def contact_name_contains(rows, text):
    return rows.filter(_by_contact(fold(text.strip()), is_short(rows)))
