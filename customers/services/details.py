"""Reading and editing a customer's own fields (SPEC M3, C3). Ownership is elsewhere."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit import trail
from audit.models import Action
from core import concurrency

from .. import querysets, rules
from ..models import Customer
from . import due
from .ownership import _duplicate_message, check_name_free, clean_name, load_states
from .results import NotAllowed, NotVisible, ServiceError

EDITABLE_FIELDS = (
    "name",
    "category",
    "industry",
    "source",
    "region",
    "address",
    "phone",
    "website",
    "notes",
)
# What may be corrected from the pool (P8): the public fields only (C2).
POOL_EDITABLE_FIELDS = ("name", "category", "industry", "source", "region", "website")


def get_visible(user, customer_id, queryset=None):
    """The customer if `user` may read its full record; otherwise NotVisible, whether it
    exists or not, so ids reveal nothing."""
    rows = queryset if queryset is not None else querysets.visible(user)
    customer = rows.filter(pk=customer_id).first()
    if customer is None:
        raise _not_visible(customer_id)
    return customer


def _not_visible(customer_id):
    return NotVisible(_("No customer with id %(id)s that you may see.") % {"id": customer_id})


def refuse_edit(user, customer: Customer):
    """None when `user` may change this customer and what belongs to it, else the reason."""
    state = load_states([customer.pk])[customer.pk]
    return rules.refuse_edit(rules.Actor.of(user), state)


def ensure_can_edit(user, customer: Customer):
    reason = refuse_edit(user, customer)
    if reason:
        raise NotAllowed(reason)


def refuse_pool_edit(user, customer: Customer):
    """None when `user` may correct this unclaimed customer from the pool (P8)."""
    state = load_states([customer.pk])[customer.pk]
    return rules.refuse_pool_edit(rules.Actor.of(user), state)


def update(user, customer: Customer, data, version=None):
    """`version`: the version the person edited, when they said (core.concurrency)."""
    ensure_can_edit(user, customer)
    return _save(user, customer, data, EDITABLE_FIELDS, version)


def update_in_pool(user, customer: Customer, data):
    """P8: pool managers, and the creator while it is unclaimed, correct its public
    fields. The row stays locked from the check to the save, so a claim waits."""
    with transaction.atomic():
        state = load_states([customer.pk], lock=True).get(customer.pk)
        if state is None:
            raise _not_visible(customer.pk)
        reason = rules.refuse_pool_edit(rules.Actor.of(user), state)
        if reason:
            raise NotAllowed(reason)
        return _save(user, customer, data, POOL_EDITABLE_FIELDS)


def _save(user, customer, data, fields, version=None):
    unknown = set(data) - set(fields)
    if unknown:
        raise ServiceError(
            _("These fields cannot be changed here: %s") % ", ".join(sorted(unknown))
        )
    if "name" in data:
        data["name"] = clean_name(data["name"])
        check_name_free(data["name"], exclude_id=customer.pk)
    for field, value in data.items():
        setattr(customer, field, value)
    customer._change_reason = "edit"
    after = {field: trail.shown(getattr(customer, field)) for field in data}
    try:
        with transaction.atomic():
            stored = concurrency.check_version(customer, version)
            old = trail.snapshot(stored) if stored is not None else {}
            before = {field: value for field, value in old.items() if field in data}
            # Only the edited fields: owner and claim columns belong to the ownership service.
            customer.save(
                update_fields=[
                    *data,
                    "name_key",
                    "search_name",
                    "sort_name",
                    "updated_at",
                    "version",
                ]
            )
            changes = trail.changes_between(before, after)
            if changes:
                trail.record(
                    user, Action.UPDATE, customer, customer_id=customer.pk, changes=changes
                )
    except IntegrityError:
        raise ServiceError(_duplicate_message(customer.name), field="name") from None
    return customer


def set_last_contacted(customer_id, when):
    """Derived from the interaction records; not an edit of the customer, so no history.
    The pool rules' no-contact clock starts again (issue 17)."""
    Customer.objects.filter(pk=customer_id).update(last_contacted_at=when)
    due.refresh([customer_id])


def set_deals(customer_id, last_deal_at, contract_signed_at):
    """Derived from the sales records (issue 17): when its last deal was recorded, and
    when its executing contract was, or None. The pool rules' clocks read them."""
    Customer.objects.filter(pk=customer_id).update(
        last_deal_at=last_deal_at, contract_signed_at=contract_signed_at
    )
    due.refresh([customer_id])
