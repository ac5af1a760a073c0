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
    subordinates = subordinate_ids(user)
    if not subordinates:
        return Q(pk__in=[])
    theirs = Q(owner_id__in=subordinates)
    if force:
        return theirs
    # With hierarchical sharing off a supervisor sees only what subordinates shared.
    return theirs & Q(pk__in=shares_to(user).values("customer_id"))


def shared(user, scope=SCOPE_ALL, shared_by=None, *, force=None):
    """The shared-customers view (SPEC S1, S2, S4).

    scope "subordinates": my subordinates' customers. scope "all": mine, my subordinates'
    and those shared to me or my department. `shared_by` narrows to the customers that one
    person shared with me (or my department)."""
    if force is None:
        force = SystemSettings.load().force_hierarchical_sharing
    if shared_by is not None:
        by_person = shares_to(user).filter(shared_by_id=shared_by).values("customer_id")
        return Customer.live.filter(pk__in=by_person)
    if scope == SCOPE_SUBORDINATES:
        return Customer.live.filter(_subordinates_condition(user, force))
    # What my subordinates shared is among what is shared to me, so without hierarchical
    # sharing their ownership adds nothing.
    owners = [user.pk, *subordinate_ids(user)] if force else [user.pk]
    shared_to_me = shares_to(user).order_by().values("customer_id")
    if len(owners) > 1:  # a supervisor's list: large, walked in list order
        return Customer.live.filter(Q(owner_id__in=owners) | Q(pk__in=shared_to_me))
    # A salesperson's list is short: the union of two index lookups (benchmark row "shared,
    # salesperson": SQLite read every customer for the OR, 330 ms at 1M, the union 12 ms).
    theirs = Customer.live.filter(owner_id=user.pk).order_by().values("pk")
    return Customer.live.filter(pk__in=theirs.union(shared_to_me))


def visible(user):
    """Customers whose full record `user` may read: owner, sharees, supervisors."""
    return shared(user, SCOPE_ALL)


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
