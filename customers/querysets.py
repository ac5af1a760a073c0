"""Who sees which customers: the ONLY place that decides it (SPEC S1, S2, O1, O3, C2).

Every read, count, export and bulk id list goes through these functions. The pool shows
every live customer, but only through the public-field allow-list of its serializer."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from org.hierarchy import subordinate_ids
from settings_app.models import SystemSettings

from .models import DICTIONARY_FIELDS, Contact, Customer, OwnershipEvent, Pool, Share
from .models.events import OwnershipAction

SCOPE_ALL = "all"
SCOPE_SUBORDINATES = "subordinates"
SCOPES = (SCOPE_ALL, SCOPE_SUBORDINATES)


@dataclass(frozen=True)
class PoolAccess:
    """Which pools a person works in (issue 17): `hidden` are those whose customers they
    neither see in the pool nor claim; `managed` those they manage (besides the company's
    pool managers, who manage every pool). The company pool is everyone's."""

    hidden: frozenset = frozenset()
    managed: frozenset = frozenset()
    # The pools they see: none when no pool is added, and the pages then show no pools.
    seen: frozenset = frozenset()

    def manages(self, pool_id):
        return pool_id is not None and pool_id in self.managed


def pool_access(user):
    """`user`'s PoolAccess, read once per request (the user object keeps it)."""
    access = getattr(user, "_pool_access", None)
    if access is None:
        access = user._pool_access = _read_pool_access(user)
    return access


def _read_pool_access(user):
    added = frozenset(Pool.objects.values_list("pk", flat=True))
    if not user.is_authenticated:
        return PoolAccess(hidden=added)
    if not added:
        # No pool added, as in most companies: nothing more to read (every list asks).
        return PoolAccess()
    through = Pool.members.through.objects.filter(pool_id=OuterRef("pk"), user_id=user.pk)
    member = Exists(through)
    if user.department_id:
        departments = Pool.departments.through.objects.filter(
            pool_id=OuterRef("pk"), department_id=user.department_id
        )
        member |= Exists(departments)
    manager = Exists(Pool.managers.through.objects.filter(pool_id=OuterRef("pk"), user_id=user.pk))
    every, hidden, managed = set(), set(), set()
    for pk, is_member, is_manager in Pool.objects.values_list("pk", member, manager):
        every.add(pk)
        if is_manager:
            managed.add(pk)
        elif not is_member:
            hidden.add(pk)
    # Asked last: with no pool hidden (as with no pool added), the role needs no query.
    if hidden and (user.is_administrator or user.is_pool_manager):
        hidden = set()  # every pool seen; pool managers manage every one (rules.Actor)
    return PoolAccess(frozenset(hidden), frozenset(managed), frozenset(every - hidden))


def pools(user):
    """The pools besides the company pool that `user` sees, by name."""
    return Pool.objects.exclude(pk__in=pool_access(user).hidden).order_by("name")


def _count(rows):
    """How many of `rows` (a queryset tied to the pool by OuterRef) there are, as a
    subquery: one join per count would multiply members by customers."""
    counted = rows.order_by().values("pool_id").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_counts(pools):
    """`pools` with how many people, member departments and live customers each has."""
    pool = OuterRef("pk")
    return pools.annotate(
        people_count=_count(Pool.members.through.objects.filter(pool_id=pool)),
        departments_count=_count(Pool.departments.through.objects.filter(pool_id=pool)),
        customer_count=_count(Customer.live.filter(pool_id=pool)),
    )


def pool(user):
    """Every live customer of the pools `user` sees, claimed or not. Public fields only
    (serializers enforce it). With no pool added, every live customer."""
    return Customer.objects.filter(pool_through(user, via=""))


# The moves that give a customer an owner.
OWNING_ACTIONS = (OwnershipAction.CREATE, OwnershipAction.CLAIM, OwnershipAction.ASSIGN)


def never_claimed():
    """The condition that a customer is unclaimed and nobody ever owned it: not created with
    an owner, never claimed, never assigned (the pool list's filter and the pool managers'
    figure, issue 18)."""
    owned_once = OwnershipEvent.objects.filter(
        customer=OuterRef("pk"), action__in=OWNING_ACTIONS, to_user__isnull=False
    )
    return Q(owner__isnull=True) & ~Exists(owned_once)


def pool_through(user, via="customer__"):
    """The condition that a customer, reached from another model by `via` (an ownership
    event's "customer__"), is one of pool(user): a join, not `IN (pool)`, which reads every
    customer (the most returned of a pool manager's home page: 560 ms at 1M)."""
    condition = Q(**{f"{via}deleted_at__isnull": True})
    hidden = pool_access(user).hidden
    if hidden:
        condition &= ~Q(**{f"{via}pool__in": hidden})
    return condition


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


def shared_ids_in_parts(user, scope=SCOPE_ALL, shared_by=None, *, force=None):
    """The ids of shared(user, scope, shared_by), for counting: the customers owned (by me,
    or by those whose customers the list holds) read from the live owner index alone, then
    the others listed, which no part repeats. The whole list's count reads each customer's
    row (benchmark rows "shared, …" in every order, the median row's target)."""
    force = _force(force)
    subordinates = subordinate_ids(user) if force else ()
    if shared_by is not None or (scope == SCOPE_SUBORDINATES and not subordinates):
        return shared(user, scope, shared_by, force=force).order_by().values("pk")
    if scope == SCOPE_SUBORDINATES:
        owners, besides = subordinates, Q(created_by_id__in=subordinates)
    else:
        owners = [user.pk, *subordinates]
        besides = Q(pk__in=shares_to(user).order_by().values("customer_id"))
        if subordinates:
            besides |= Q(created_by_id__in=subordinates)
    owned = Customer.live.filter(owner_id__in=owners).order_by().values("pk")
    others = Customer.live.filter(besides).exclude(owner_id__in=owners).order_by().values("pk")
    return owned.union(others, all=True)


def _readable(user, subordinates, via=""):
    """Customers whose full record `user` may read, when they supervise `subordinates`
    (with hierarchical sharing on; none when off): theirs, their subordinates', and those
    shared to them or their department. `via`: the path to the customer from another
    model ("customer__")."""
    shared_to_me = shares_to(user).order_by().values("customer_id")
    return Q(**{f"{via}owner_id__in": [user.pk, *subordinates]}) | Q(
        **{f"{via}pk__in": shared_to_me}
    )


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


def readable_through(user, via="customer__", *, whole=False):
    """The condition on another model (a working record) that its customer, reached by
    `via`, is one of visible(user). `whole`: the query reads most of those records (a
    report over a period), so the customers are given as lists of ids, not joined."""
    force = _force(None)
    subordinates = subordinate_ids(user) if force else ()
    if subordinates and not whole:
        # On the joined customer, not `IN (visible)`: that read every customer for the
        # list, 250–650 ms per record figure of a supervisor's home page at 1M (benchmark
        # row "dashboard, supervisor").
        return Q(**{f"{via}deleted_at__isnull": True}) & _readable(user, subordinates, via)
    # The ids of the live customers owned (from the owner index alone) and of the live ones
    # shared: benchmark rows "reports, supervisor of 250, my team: activity" (the join read
    # each of 180,000 records' customers by key on SQLite, 0.84 s; the lists 0.28 s) and
    # "dashboard, user who owns 2,000" (`IN (visible)` read every one of their customers'
    # rows again for each record figure on PostgreSQL).
    theirs = Customer.live.filter(owner_id__in=[user.pk, *subordinates]).order_by().values("pk")
    shared_to_me = Customer.live.filter(pk__in=shares_to(user).values("customer_id"))
    shared_to_me = shared_to_me.order_by().values("pk")
    if subordinates:
        return Q(**{f"{via}pk__in": theirs}) | Q(**{f"{via}pk__in": shared_to_me})
    return Q(**{f"{via}pk__in": theirs.union(shared_to_me)})


def owned_through(owners, via="customer__", *, whole=False):
    """The condition on another model (a working record) that its customer, reached by
    `via`, is owned by one of `owners`. One owner's customers, or a team's read `whole`
    (see readable_through), are given as the ids of the live ones from the owner index;
    a team's otherwise as the joined customer's owner, which a few records' figures want
    (the list of a team's 158,000 ids costs more than they do)."""
    if whole or len(owners) == 1:
        return Q(**{f"{via}pk__in": Customer.live.filter(owner_id__in=owners).values("pk")})
    return Q(**{f"{via}owner__in": owners})


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


@dataclass(frozen=True)
class WhyListed:
    """One reason a customer is on a person's shared list: `kind` is one of WHY_*;
    `person` names the owner, creator or sharer (for a share of mine, whom I shared it
    with: a person or a department); `department` is mine, for a share to it."""

    kind: str
    person: str = ""
    department: str = ""


WHY_YOURS = "yours"
WHY_SHARED_BY_YOU = "shared_by_you"
WHY_TEAM_OWNS = "team_owns"
WHY_TEAM_CREATED = "team_created"
WHY_SHARED_WITH_YOU = "shared_with_you"
WHY_SHARED_WITH_DEPARTMENT = "shared_with_department"


def mark_why_listed(user, customers):
    """Sets `why_listed` on each of `customers` (a page of `shared(user, …)`, loaded with
    its owner and creator): why it is there (SPEC S1, S2) — mine (and with whom I shared
    it), a subordinate's or created by one, shared with me or my department and by whom.
    One query for the page's shares, none per row."""
    customers = list(customers)
    subordinates = subordinate_ids(user)
    ids = [c.pk for c in customers]
    mine_ids = [c.pk for c in customers if c.owner_id == user.pk]
    shares = defaultdict(list)
    if ids:
        found = shares_to(user).filter(customer_id__in=ids) | Share.objects.filter(
            customer_id__in=mine_ids
        )
        for share in found.select_related("user", "department", "shared_by").order_by("id"):
            shares[share.customer_id].append(share)
    for customer in customers:
        customer.why_listed = list(_why_listed(user, subordinates, customer, shares[customer.pk]))
    return customers


def _why_listed(user, subordinates, customer, shares):
    if customer.owner_id == user.pk:
        yield WhyListed(WHY_YOURS)
        for share in shares:
            yield WhyListed(WHY_SHARED_BY_YOU, person=share.target_label)
        return
    if customer.owner_id in subordinates:
        yield WhyListed(WHY_TEAM_OWNS, person=customer.owner.label)
    elif customer.created_by_id in subordinates:
        yield WhyListed(WHY_TEAM_CREATED, person=customer.created_by.label)
    for share in shares:
        sharer = share.shared_by.label if share.shared_by_id else ""
        if share.user_id == user.pk:
            yield WhyListed(WHY_SHARED_WITH_YOU, person=sharer)
        elif share.department_id and share.department_id == user.department_id:
            yield WhyListed(
                WHY_SHARED_WITH_DEPARTMENT, person=sharer, department=share.department.name
            )


def assignees(user):
    """Whom `user` may give customers to or share them with, for the pickers: active
    people other than `user` (who claims instead, and cannot share with themselves), and
    not administrators, who keep the system rather than sell (SPEC O2): those
    rules.may_receive accepts."""
    people = get_user_model().objects.filter(is_active=True, is_staff=False, is_superuser=False)
    return people.exclude(pk=user.pk).order_by("display_name", "username")


def handed_over_by(user):
    """Whose customers `user` may hand over (what rules.refuse_hand_over accepts, as a
    list): everyone's for administrators and pool managers (deactivated people too, who
    may still hold some), their subordinates' for supervisors; never their own, nor an
    administrator's, who owns none."""
    people = get_user_model().objects.exclude(pk=user.pk).filter(is_staff=False)
    if not (user.is_administrator or user.is_pool_manager):
        people = people.filter(pk__in=subordinate_ids(user))
    return people.order_by("-is_active", "display_name", "username")


def with_list_relations(rows):
    """What a list row shows: the owner and the dictionary items, joined."""
    return rows.select_related("owner", *DICTIONARY_FIELDS)


def with_record_relations(rows):
    """What a full-record row shows besides: the creator, its pool and the primary contact."""
    primaries = Prefetch(
        "contacts", queryset=Contact.objects.filter(is_primary=True), to_attr="primary_contacts"
    )
    return (
        with_list_relations(rows).select_related("created_by", "pool").prefetch_related(primaries)
    )


def with_deletion(rows):
    """What a recycle-bin row shows besides (P3): who deleted it, `deletions[0].actor`."""
    deletions = OwnershipEvent.objects.filter(action=OwnershipAction.DELETE)
    latest_first = deletions.select_related("actor").order_by("-at", "-id")
    return with_list_relations(rows).prefetch_related(
        Prefetch("events", queryset=latest_first, to_attr="deletions")
    )
