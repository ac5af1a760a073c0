"""The orders a customer list offers (SPEC L3), each served by an index of its own
(Customer.Meta.indexes), so any page of any order is one index range (core.keyset). An
order that no index serves is not offered."""

from django.utils.translation import gettext_lazy as _

from core.keyset import Sort

# (parameter, label, keys): ties go by name (its sort key: Chinese in pinyin), then id,
# which is unique.
PUBLIC_SORTS = (
    ("name", _("Name"), ("sort_name", "id")),
    ("category", _("Category"), ("sort_category", "sort_name", "id")),
    ("industry", _("Industry"), ("sort_industry", "sort_name", "id")),
    ("region", _("Region"), ("sort_region", "sort_name", "id")),
    ("status", _("Status"), ("sort_status", "sort_name", "id")),
    ("owner", _("Owner"), ("sort_owner", "sort_name", "id")),
    ("created_at", _("Created"), ("created_at", "id")),
)
# Mine and shared: every customer there has an owner (a share ends when its customer goes
# back to the pool), so status sorts as name. No owner sort: the pool-wide owner index
# would be walked past every unclaimed customer first. When someone last talked to a
# customer is not public (C2).
RECORD_SORTS = (
    *(
        (param, label, ("sort_name", "id") if param == "status" else keys)
        for param, label, keys in PUBLIC_SORTS
        if param != "owner"
    ),
    ("last_contacted_at", _("Last contacted"), ("sort_contacted", "id")),
)
# My customers: also when each goes back to the pool by itself (issue 17), soonest first,
# by the owner's own index; one that never returns by itself sorts last.
MINE_SORTS = (*RECORD_SORTS, ("returns_at", _("Returns to the pool"), ("sort_returns", "id")))
# The recycle bin: most recently deleted first.
DELETED_SORT = Sort(("deleted_at", "id"), descending=True)
DEFAULT = "name"


def sort_for(ordering, sorts=RECORD_SORTS):
    """The Sort of an `ordering` parameter ("name", "-created_at"), or by name when it is
    empty; the filterset has already refused one that `sorts` does not offer."""
    ordering = ordering or DEFAULT
    name = ordering.lstrip("-")
    keys = next(keys for param, _label, keys in sorts if param == name)
    return Sort(keys, descending=ordering.startswith("-"))
