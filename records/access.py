"""Who may read and write a customer's working record — one place for every module.

Read: whoever may read the customer's full record (owner, sharees, supervisors:
customers.querysets.visible); everyone else gets 404, pool viewers included.
Write: the owner. Interaction records also: the sharees (SPEC case 4)."""

from django.utils.translation import gettext as _

from core.errors import NotAllowed
from customers import querysets, rules
from customers.services.details import get_visible
from customers.services.ownership import load_states

OWNER = "owner"
OWNER_OR_SHAREE = "owner_or_sharee"


def readable(user, model):
    """Rows of `model` whose customer `user` may read."""
    return model.objects.filter(customer_id__in=querysets.visible(user).values("id"))


def customer_to_read(user, customer_id):
    return get_visible(user, customer_id)


def is_sharee(user, customer):
    return querysets.shares_to(user).filter(customer_id=customer.pk).exists()


def refuse_write(user, customer, who=OWNER):
    """None when `user` may add to or change this customer's record, else the reason."""
    state = load_states([customer.pk])[customer.pk]
    if rules.refuse_edit(rules.Actor.of(user), state) is None:
        return None
    if who == OWNER_OR_SHAREE and is_sharee(user, customer):
        return None
    if who == OWNER_OR_SHAREE:
        return _("Only its owner and the colleagues it is shared with may add to it.")
    return _("Only its owner may change this; shared customers are read-only.")


def ensure_can_write(user, customer, who=OWNER):
    reason = refuse_write(user, customer, who)
    if reason:
        raise NotAllowed(reason)


def customer_to_work(user, customer_id, who=OWNER):
    customer = customer_to_read(user, customer_id)
    ensure_can_write(user, customer, who)
    return customer
