"""Contacts and their social relations (SPEC C4, C5). Only the owner changes them, and
exactly one contact is primary whenever any exist."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import trail
from core import bulk

from ..models import Contact, Customer, SocialRelation
from .details import ensure_can_edit
from .results import NotVisible, ServiceError

CONTACT_UNTRACED = {*trail.UNTRACED, "search_name"}


def _lock(customer):
    """Contacts of one customer are changed one writer at a time: two at once would both
    find no primary contact and both make one (PostgreSQL: a 500 on the one-primary
    constraint) or both leave none."""
    Customer.objects.select_for_update().filter(pk=customer.pk).exists()


def _make_primary(customer, contact):
    Contact.objects.filter(customer=customer, is_primary=True).exclude(pk=contact.pk).update(
        is_primary=False
    )
    if not contact.is_primary:
        contact.is_primary = True
        contact.save(update_fields=["is_primary"])


def _promote_first_if_none(customer):
    if not customer.contacts.filter(is_primary=True).exists():
        first = customer.contacts.order_by("created_at", "id").first()
        if first is not None:
            _make_primary(customer, first)


def add(user, customer, data, relations=()):
    """A new contact and, in the same transaction, its social `relations` (field dicts)."""
    ensure_can_edit(user, customer)
    wants_primary = bool(data.pop("is_primary", False))
    with transaction.atomic():
        _lock(customer)
        contact = Contact.objects.create(customer=customer, is_primary=False, **data)
        for relation in relations:
            SocialRelation.objects.create(contact=contact, **relation)
        if wants_primary:
            _make_primary(customer, contact)
        _promote_first_if_none(customer)
        contact.refresh_from_db()
        trail.created(user, contact, customer_id=customer.pk, untraced=CONTACT_UNTRACED)
    return contact


def add_first_contacts(user, pairs):
    """The primary contacts of customers `user` has just created: `pairs` of (customer,
    contact fields or None). Written in bulk, with their history; returns their unsaved
    audit rows, for the caller to write with its own."""
    contacts = [
        Contact(customer=customer, is_primary=True, **data) for customer, data in pairs if data
    ]
    for contact in contacts:
        contact.normalise()
    # A customer just created has one contact: its id tells the new contacts apart.
    bulk.insert_keyed(contacts, "customer_id", Contact.objects)
    Contact.name_index.add_many(contacts)
    bulk.copy_history(Contact, [c.pk for c in contacts], user=user, when=timezone.now())
    return [
        trail.created_entry(user, c, customer_id=c.customer_id, untraced=CONTACT_UNTRACED)
        for c in contacts
    ]


def update(user, customer, contact, data):
    ensure_can_edit(user, customer)
    wants_primary = data.pop("is_primary", None)
    if wants_primary is False and contact.is_primary:
        raise ServiceError(
            _("One contact must stay primary; make another contact primary instead."),
            field="is_primary",
        )
    with transaction.atomic():
        _lock(customer)
        before = trail.stored(contact, CONTACT_UNTRACED)
        for field, value in data.items():
            setattr(contact, field, value)
        contact.save()
        if wants_primary:
            _make_primary(customer, contact)
        contact.refresh_from_db()
        trail.updated(user, contact, before, customer_id=customer.pk, untraced=CONTACT_UNTRACED)
    return contact


def delete(user, customer, contact_ids):
    """Delete one or many; if the primary goes, the oldest remaining contact takes over."""
    ensure_can_edit(user, customer)
    with transaction.atomic():
        _lock(customer)
        rows = Contact.objects.filter(customer=customer, pk__in=contact_ids)
        found = set(rows.values_list("id", flat=True))
        missing = [i for i in contact_ids if i not in found]
        if missing:
            raise NotVisible(
                _("This customer has no contact with id %s.") % ", ".join(map(str, missing))
            )
        for contact in rows:
            trail.deleted(user, contact, customer_id=customer.pk)
        rows.delete()
        _promote_first_if_none(customer)
    return sorted(found)


def add_relation(user, customer, contact, data):
    ensure_can_edit(user, customer)
    with transaction.atomic():
        relation = SocialRelation.objects.create(contact=contact, **data)
        trail.created(user, relation, customer_id=customer.pk)
    return relation


def delete_relation(user, customer, relation):
    ensure_can_edit(user, customer)
    with transaction.atomic():
        trail.deleted(user, relation, customer_id=customer.pk)
        relation.delete()
