"""Pure predicates: may this actor do this to a customer in this state? (SPEC O2, P2–P6,
M4–M6, S3). No writes and no queries: callers load the state, services enforce the answer.

Each `refuse_*` returns None when the action is allowed, else the reason, written for the
person who pressed the button."""

import datetime
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from org.hierarchy import subordinate_ids


@dataclass(frozen=True)
class Actor:
    user_id: int
    is_pool_manager: bool
    subordinates: frozenset
    is_administrator: bool = False
    # The pools they manage, and those they may not claim from (issue 17; ids).
    managed_pools: frozenset = frozenset()
    hidden_pools: frozenset = frozenset()

    @classmethod
    def of(cls, user):
        from .querysets import pool_access  # querysets → rules' callers: not at the top

        access = pool_access(user)
        return cls(
            user.pk,
            user.is_pool_manager,
            frozenset(subordinate_ids(user)),
            user.is_administrator,
            access.managed,
            access.hidden,
        )

    def supervises(self, user_id):
        return user_id in self.subordinates

    def manages(self, c):
        """Whether they are a pool manager of the pool `c` is in: the company's pool
        managers manage every pool; a pool's managers theirs (issue 17)."""
        return self.is_pool_manager or c.pool_id in self.managed_pools

    @property
    def manages_any(self):
        return self.is_pool_manager or bool(self.managed_pools)


@dataclass(frozen=True)
class CustomerState:
    id: int
    name: str
    owner_id: int | None
    owner_label: str | None
    deleted: bool
    created_by_id: int | None = None
    # The pool rules' facts (issue 17).
    locked: bool = False
    returns_at: datetime.datetime | None = None
    returned_by_id: int | None = None
    returned_at: datetime.datetime | None = None
    # Its pool (issue 17): none is the company pool.
    pool_id: int | None = None
    pool_label: str | None = None

    @property
    def claimed(self):
        return self.owner_id is not None


def refuse_claim(actor: Actor, c: CustomerState, cooldown_days=None, now=None):
    """`cooldown_days`: the pool rules' cool-down, during which the customer's last owner
    may not claim it back (issue 17)."""
    if c.owner_id == actor.user_id:
        return _("You already own it.")
    if c.claimed:
        return _("Already claimed by %(owner)s.") % {"owner": c.owner_label}
    if c.pool_id in actor.hidden_pools:
        return _("It is in the pool %(pool)s, which you are not a member of.") % {
            "pool": c.pool_label
        }
    if cooldown_days and c.returned_by_id == actor.user_id and c.returned_at:
        free_at = c.returned_at + datetime.timedelta(days=cooldown_days)
        if free_at > (now or timezone.now()):
            return _(
                "It left you on %(left)s; you may claim it back from %(free)s "
                "(a cool-down of %(days)d days)."
            ) % {
                "left": formats.date_format(timezone.localtime(c.returned_at)),
                "free": formats.date_format(timezone.localtime(free_at)),
                "days": cooldown_days,
            }
    return None


def refuse_return(actor: Actor, c: CustomerState):
    if c.owner_id != actor.user_id:
        return _("You do not own it, so you cannot return it.")
    return None


def refuse_reclaim(actor: Actor, c: CustomerState):
    if not c.claimed:
        return _("It is not claimed, so there is nothing to reclaim.")
    if not (actor.manages(c) or actor.supervises(c.owner_id)):
        return _("Only pool managers and the owner's supervisors may reclaim it.")
    return None


def refuse_assign(actor: Actor, c: CustomerState, to_user_id=None):
    may = (
        actor.manages(c)
        or (c.claimed and c.owner_id == actor.user_id)
        or (c.claimed and actor.supervises(c.owner_id))
    )
    if not may:
        return _("Only pool managers, its owner and the owner's supervisors may assign it.")
    if to_user_id is not None and c.owner_id == to_user_id:
        return _("It already belongs to %(owner)s.") % {"owner": c.owner_label}
    return None


def refuse_lock(actor: Actor, c: CustomerState):
    """Issue 17: the owner's supervisors and pool managers lock a claimed customer so that
    it never returns to the pool by itself."""
    if not c.claimed:
        return _("It is in the pool: only a claimed customer can be locked.")
    if not (actor.manages(c) or actor.supervises(c.owner_id)):
        return _("Only pool managers and the owner's supervisors may lock or unlock it.")
    if c.locked:
        return _("It is already locked.")
    return None


def refuse_unlock(actor: Actor, c: CustomerState):
    if not (actor.manages(c) or (c.claimed and actor.supervises(c.owner_id))):
        return _("Only pool managers and the owner's supervisors may lock or unlock it.")
    if not c.locked:
        return _("It is not locked.")
    return None


def refuse_moving_to(actor: Actor, pool):
    """Who may put customers in `pool` (None: the company pool): its managers, and the
    company's pool managers, who manage every pool (issue 17)."""
    target = pool.pk if pool else None
    if actor.is_pool_manager or (target is not None and target in actor.managed_pools):
        return None
    if pool is None:
        return _("Only pool managers may put customers in the company pool.")
    return _("Only the managers of the pool %(pool)s may put customers in it.") % {
        "pool": pool.name
    }


def refuse_move(actor: Actor, c: CustomerState, pool):
    """Moving a customer to `pool` (None: the company pool; issue 17): for the managers of
    both pools."""
    if c.pool_id == (pool.pk if pool else None):
        return _("It is already in that pool.")
    if not actor.manages(c):
        if c.pool_id is None:
            return _("Only pool managers may move customers out of the company pool.")
        return _("Only the managers of the pool %(pool)s may move its customers.") % {
            "pool": c.pool_label
        }
    return refuse_moving_to(actor, pool)


def refuse_share(actor: Actor, c: CustomerState):
    if c.owner_id != actor.user_id:
        return _("Only its owner may share it or remove its shares.")
    return None


refuse_unshare = refuse_share


def refuse_edit(actor: Actor, c: CustomerState):
    if c.owner_id != actor.user_id:
        return _("Only its owner may change it; shared customers are read-only.")
    return None


def refuse_pool_edit(actor: Actor, c: CustomerState):
    """P8: an unclaimed customer's public fields, corrected from the pool."""
    if c.claimed:
        return _("Claimed by %(owner)s; its owner edits it.") % {"owner": c.owner_label}
    if not (actor.manages(c) or c.created_by_id == actor.user_id):
        return _("Only pool managers and its creator may correct an unclaimed customer.")
    return None


def refuse_delete(actor: Actor, c: CustomerState):
    if reason := refuse_deleting(actor):
        return reason
    if c.claimed:
        return _("Claimed by %(owner)s; only unclaimed customers can be deleted.") % {
            "owner": c.owner_label
        }
    return None


def refuse_restore(actor: Actor, c: CustomerState):
    if not actor.is_pool_manager:
        return _("Only pool managers may restore customers.")
    if not c.deleted:
        return _("It is not in the recycle bin.")
    return None


# What a list page offers before any row is ticked (issue 15): an action is offered to
# those who may take it on some customers, and left out for those it would refuse on
# every one. Whether it succeeds on the ticked rows is still the per-row rule's answer.


def may_receive(person):
    """Whether customers may be given to `person`: someone active who sells, not an
    administrator, who keeps the system (SPEC O2). querysets.assignees lists the same."""
    return person.is_active and not person.is_staff and not person.is_superuser


def refuse_receivers(people):
    """Why customers may not be given to some of `people`, or None."""
    refused = [person.label for person in people if not may_receive(person)]
    if refused:
        return _("These people cannot receive customers: %s") % ", ".join(refused)
    return None


def refuse_hand_over(actor: Actor, person):
    """Who may hand over all of `person`'s customers at once (issue 17): administrators,
    who deactivate people who leave; pool managers; and the person's supervisors."""
    if person.pk == actor.user_id:
        return _("Your own customers are returned or assigned from My customers.")
    if not (actor.is_administrator or actor.is_pool_manager or actor.supervises(person.pk)):
        return _(
            "Only administrators, pool managers and %(person)s's supervisors may hand over "
            "their customers."
        ) % {"person": person.label}
    return None


def refuse_handing_over(actor: Actor):
    """None for those who may hand over someone's customers (issue 17)."""
    if not (actor.is_administrator or actor.is_pool_manager or actor.subordinates):
        return _("Only administrators, pool managers and supervisors hand over customers.")
    return None


def refuse_locking(actor: Actor):
    """None for pool managers and supervisors, who may lock some customers (issue 17)."""
    if not (actor.manages_any or actor.subordinates):
        return _("Only pool managers and supervisors may lock customers.")
    return None


def refuse_reclaiming(actor: Actor):
    """None for pool managers and supervisors, who may reclaim some customers (P5, S3)."""
    if not (actor.manages_any or actor.subordinates):
        return _("Only pool managers and supervisors may reclaim customers.")
    return None


def refuse_assigning_others(actor: Actor):
    """None for those who may assign customers they do not own: pool managers and
    supervisors (P6, S3). Owners assign their own from My customers (M6)."""
    if not (actor.manages_any or actor.subordinates):
        return _("Only pool managers and supervisors may assign customers they do not own.")
    return None


def refuse_distributing(actor: Actor):
    """None for pool managers, who may assign a batch or spread it over several users (P6)."""
    if not actor.manages_any:
        return _("Only pool managers may assign several customers at once or to several users.")
    return None


def refuse_deleting(actor: Actor):
    """None for pool managers, who may delete unclaimed customers (P3)."""
    if not actor.is_pool_manager:
        return _("Only pool managers may delete customers.")
    return None
