"""How a search keyword becomes a condition on customers (SPEC L1, L2).

What matches never changes: the keyword, folded (customers.normalize.fold), is a substring
of the folded name — or of a contact's folded name where contacts are searched (mine and
shared, never the pool: C2) — or the keyword is in the category's name.

How the database finds the matches depends on how rare the keyword is, which the name
indexes (customers.search_index) tell from the size of its rarest character pair:

- rare (at most SEARCH_CANDIDATE_LIMIT entries): the index names the candidates, and the
  query reads just those rows by key, compares their names and sorts the few that match;
- common: the list is read in its own order (an index range, core.keyset) and names are
  compared on the way; the matches are dense, so a page fills after a few thousand rows
  at most."""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from settings_app.models import DictionaryItem

from .models import Contact
from .normalize import fold
from .search_index import CONTACT_NAMES, CUSTOMER_NAMES


def _candidates(index, folded):
    """The ids a name index nominates for `folded` (a list or a subquery), or None when
    the keyword is too common for candidates to help."""
    return index.lookup(folded, settings.SEARCH_CANDIDATE_LIMIT)


def _by_name(folded):
    condition = Q(search_name__contains=folded)
    candidates = _candidates(CUSTOMER_NAMES, folded)
    return condition if candidates is None else Q(pk__in=candidates) & condition


def _by_contact(folded):
    candidates = _candidates(CONTACT_NAMES, folded)
    if candidates is None:
        return Exists(Contact.objects.filter(customer=OuterRef("pk"), search_name__contains=folded))
    contacts = Contact.objects.filter(pk__in=candidates, search_name__contains=folded)
    return Q(pk__in=contacts.values("customer_id"))


def _by_category(keyword):
    """Category names are a short list: compared here, so the query holds only ids."""
    categories = DictionaryItem.objects.filter(kind="category", name__icontains=keyword)
    ids = list(categories.values_list("pk", flat=True))
    return Q(category_id__in=ids) if ids else None


def quick_search(keyword, *, contacts):
    """Quick search (L1): name or category, and contact names when `contacts`."""
    keyword = keyword.strip()
    folded = fold(keyword)
    condition = _by_name(folded)
    if contacts:
        condition |= _by_contact(folded)
    category = _by_category(keyword)
    if category is not None:
        condition |= category
    return condition


def name_contains(text):
    return _by_name(fold(text.strip()))


def contact_name_contains(text):
    return _by_contact(fold(text.strip()))
