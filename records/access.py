"""Who may read and write a customer's working record — one place for every module.

Read: whoever may read the customer's full record (owner, sharees, supervisors:
customers.querysets.visible); everyone else gets 404, pool viewers included.
Write: the owner, every row. A module whose rule is OWNER_OR_SHAREE (interaction records,
SPEC case 4) also lets the sharees add rows and change or delete the rows they wrote.

`refuse_write` is the one answer to "may this person write this", asked by the services
(so by the API and the pages through them), by the forms before they are shown, and by the
customer's tab for the buttons of each row."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.errors import NotAllowed, NotVisible
from customers import querysets
from customers.models import Customer
from customers.services import details

OWNER = "owner"
OWNER_OR_SHAREE = "owner_or_sharee"


def readable(user, model, *, whole=False, own=False):
    """Rows of `model` whose customer `user` may read; `whole`: the reader reads most of
    them (querysets.readable_through); `own`: only the rows of the customers `user` owns
    are asked for, which they may always read, so their visibility is that alone."""
    if own:
        # Not the team's owners and the shares as well, which made each figure's query a
        # page long to write and plan (benchmark row "dashboard, supervisor").
        return model.objects.filter(querysets.owned_through([user.pk]))
    return model.objects.filter(querysets.readable_through(user, whole=whole))


def customers_to_write(user, rule=OWNER):
    """The customers `user` may add rows of a module with `rule` to, as querysets in the
    order a picker offers them: their own, then (OWNER_OR_SHAREE) those shared with them.
    The same answer as writer() gives for one customer."""
    mine = querysets.mine(user)
    if rule != OWNER_OR_SHAREE:
        return (mine,)
    return mine, querysets.shared_with(user)


def customer_to_read(user, customer_id):
    return details.get_visible(user, customer_id)


def is_sharee(user, customer):
    return querysets.shares_to(user).filter(customer_id=customer.pk).exists()


@dataclass(frozen=True)
class Writer:
    """Where one person stands to write one customer's record under a module's rule: read
    once from the database, then asked of any number of rows without another query."""

    user_id: int
    owns: bool  # may change every row
    refusal: str | None  # why they may not add to the record; None when they may


def writer(user, customer, rule=OWNER):
    if details.refuse_edit(user, customer) is None:
        return Writer(user.pk, owns=True, refusal=None)
    if rule != OWNER_OR_SHAREE:
        refusal = _("Only its owner may change this; shared customers are read-only.")
    elif is_sharee(user, customer):
        refusal = None
    else:
        refusal = _("Only its owner and the colleagues it is shared with may add to it.")
    return Writer(user.pk, owns=False, refusal=refusal)


def refuse_write(writer, record=None):
    """None when the writer may add a row (no `record`) or change or delete `record`,
    else the reason."""
    if writer.owns or writer.refusal:
        return writer.refusal
    if record is not None and record.created_by_id != writer.user_id:
        return _("You may change only the records you wrote.")
    return None


def refuse_restore(user, writer, record):
    """None when `user` (who stands as `writer` to the customer) may bring `record` back
    from the recycle bin, else the reason: whoever may delete it, and a pool manager when
    its customer is nobody's (in the pool or the recycle bin)."""
    if user.is_pool_manager and record.customer.owner_id is None:
        return None
    return refuse_write(writer, record)


def customer_for_bin(user, customer_id):
    """(customer, readable): the customer whose deleted records `user` may list, and whether
    they may read its full record. That is a customer they may read, or, for a pool manager,
    one that is nobody's (in the pool or the recycle bin). NotVisible otherwise."""
    try:
        return details.get_visible(user, customer_id), True
    except NotVisible:
        if not user.is_pool_manager:
            raise
    nobodys = Customer.objects.filter(owner__isnull=True)
    return details.get_visible(user, customer_id, nobodys), False


def ensure_can_write(user, customer, rule=OWNER, record=None):
    reason = refuse_write(writer(user, customer, rule), record)
    if reason:
        raise NotAllowed(reason)
