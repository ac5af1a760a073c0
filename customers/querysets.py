"""Who sees which customers: the ONLY place that decides it (SPEC S1, S2, O1, O3, C2).

Every read, count, export and bulk id list goes through these functions. The pool shows
every live customer, but only through the public-field allow-list of its serializer."""

from django.db.models import Prefetch, Q

from org.hierarchy import subordinate_ids
from settings_app.models import SystemSettings

from .models import DICTIONARY_FIELDS, Contact, Customer, OwnershipEvent, Share
from .models.events import OwnershipAction

SCOPE_ALL = "all"
SCOPE_SUBORDINATES = "subordinates"
SCOPES = (SCOPE_ALL, SCOPE_SUBORDINATES)


def pool(user):
    """Every live customer, claimed or not. Public fields only (serializers enforce it)."""
    return Customer.live.all()


def recycle_bin(user):
    """Deleted customers, for pool managers only (SPEC P3)."""
    if not user.is_pool_manager:
        return Customer.objects.none()
    return Customer.objects.filter(deleted_at__isnull=False)


def public_histories(user):
    """Customers whose ownership history `user` may read without their full record: every
    one, live or in the recycle bin, for pool managers (who had it before, H1)."""
    if not user.is_pool_manager:
        return Customer.objects.none()
    return Customer.objects.all()


def pool_pages(user):
    """Customers whose pool page (public fields) `user` may open: every live one, and for
    pool managers those in the recycle bin too."""
    return public_histories(user) if user.is_pool_manager else pool(user)


def mine(user):
    return Customer.live.filter(owner_id=user.pk)


def shares_to(user):
    """Shares addressed to `user` directly or to their department."""
    if not user.is_authenticated:
        return Share.objects.none()
    target = Q(user_id=user.pk)
    if user.department_id:
        target |= Q(department_id=user.department_id)
    return Share.objects.filter(target)


def shared_with(user):
    """Live customers shared to `user` or their department that they do not own."""
    shared = shares_to(user).order_by().values("customer_id")
    return Customer.live.filter(pk__in=shared).exclude(owner_id=user.pk)


def _subordinates_condition(user, force):
    """My subordinates' customers: those they own or created (SPEC S2, manual 3.1.3). With
    hierarchical sharing off, only those they own and shared with me (O3)."""
    subordinates = subordinate_ids(user)
    if not subordinates:
        return Q(pk__in=[])
    if force:
        return Q(owner_id__in=subordinates) | Q(created_by_id__in=subordinates)
    return Q(owner_id__in=subordinates) & Q(pk__in=shares_to(user).values("customer_id"))


def _force(force):
    return SystemSettings.load().force_hierarchical_sharing if force is None else force


def shared(user, scope=SCOPE_ALL, shared_by=None, *, force=None):
    """The shared-customers view (SPEC S1, S2, S4).

    scope "subordinates": my subordinates' customers. scope "all": mine, my subordinates'
    and those shared to me or my department. `shared_by` narrows to the customers that one
    person shared with me (or my department).

    A customer a subordinate created may since be in the pool or someone else's: it is
    listed, but its full record only where `readable` says so (mark_readable)."""
    force = _force(force)
    if shared_by is not None:
        by_person = shares_to(user).filter(shared_by_id=shared_by).values("customer_id")
        return Customer.live.filter(pk__in=by_person)
    if scope == SCOPE_SUBORDINATES:
        return Customer.live.filter(_subordinates_condition(user, force))
    subordinates = subordinate_ids(user) if force else ()
    if not subordinates:
        return visible(user, force=force)
    return Customer.live.filter(_readable(user, subordinates) | Q(created_by_id__in=subordinates))


def _readable(user, subordinates):
    """Customers whose full record `user` may read, when they supervise `subordinates`
    (with hierarchical sharing on; none when off): theirs, their subordinates', and those
    shared to them or their department."""
    shared_to_me = shares_to(user).order_by().values("customer_id")
    return Q(owner_id__in=[user.pk, *subordinates]) | Q(pk__in=shared_to_me)


def visible(user, *, force=None):
    """Customers whose full record `user` may read: owner, sharees, supervisors (S1)."""
    subordinates = subordinate_ids(user) if _force(force) else ()
    if subordinates:  # a supervisor's list: large, walked in list order
        return Customer.live.filter(_readable(user, subordinates))
    # A salesperson's list is short: the union of two index lookups (benchmark row "shared,
    # salesperson": SQLite read every customer for the OR, 330 ms at 1M, the union 12 ms).
    theirs = Customer.live.filter(owner_id=user.pk).order_by().values("pk")
    shared_to_me = shares_to(user).order_by().values("customer_id")
    return Customer.live.filter(pk__in=theirs.union(shared_to_me))


def private_search_condition(user, *, force=None):
    """The customers of `shared(user, …)` whose private fields (contacts, phones, when last
    contacted) may be searched: those `user` may read, not those a subordinate created
    that are now in the pool or someone else's. None when that is every one listed."""
    subordinates = subordinate_ids(user) if _force(force) else ()
    return _readable(user, subordinates) if subordinates else None


def mark_readable(user, customers):
    """Sets `readable` on each of `customers` (a page of `shared(user, …)`): whether its
    full record may be shown, else only its public fields (C2). Only a row a subordinate
    created and someone outside the tree owns (or nobody) needs its shares looked up."""
    customers = list(customers)
    subordinates = subordinate_ids(user)
    owners = {user.pk, *subordinates}
    doubtful = [
        c.pk for c in customers if c.owner_id not in owners and c.created_by_id in subordinates
    ]
    shared_to_me = set()
    if doubtful:
        shares = shares_to(user).filter(customer_id__in=doubtful)
        shared_to_me = set(shares.values_list("customer_id", flat=True))
    for customer in customers:
        customer.readable = customer.pk not in doubtful or customer.pk in shared_to_me
    return customers


def with_list_relations(rows):
    """What a list row shows: the owner and the dictionary items, joined."""
    return rows.select_related("owner", *DICTIONARY_FIELDS)


def with_record_relations(rows):
    """What a full-record row shows besides: the creator and the primary contact."""
    primaries = Prefetch(
        "contacts", queryset=Contact.objects.filter(is_primary=True), to_attr="primary_contacts"
    )
    return with_list_relations(rows).select_related("created_by").prefetch_related(primaries)


def with_deletion(rows):
    """What a recycle-bin row shows besides (P3): who deleted it, `deletions[0].actor`."""
    deletions = OwnershipEvent.objects.filter(action=OwnershipAction.DELETE)
    latest_first = deletions.select_related("actor").order_by("-at", "-id")
    return with_list_relations(rows).prefetch_related(
        Prefetch("events", queryset=latest_first, to_attr="deletions")
    )
