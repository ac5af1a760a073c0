"""Examples of interaction records for the generated working-record tests (records.testing)."""

import datetime as dt

from django.utils import timezone

from customers.testing import ContactFactory
from records.testing import ModuleExample
from settings_app.models import DictionaryItem

from .models import Interaction
from .services import interactions


class InteractionExample(ModuleExample):
    change = {"subject": "changed subject"}

    def make(self, user, customer, tag, made):
        data = {
            "happened_at": timezone.now() - dt.timedelta(days=1),
            "subject": f"{tag} subject",
            "content": f"{tag} content",
        }
        return interactions.create(user, customer, data)

    def body(self, tag, made):
        return {"happened_at": "2025-05-01T09:30:00+08:00", "subject": f"{tag} call"}, "json"

    def form(self, tag, made):
        return {"happened_at": "2025-06-01T10:00", "subject": f"{tag} visit", "content": ""}

    def shown(self, row):
        return row.subject

    def planted(self, tag, row):
        return {f"{tag} subject", f"{tag} content"}

    def bulk(self, user, customer, count):
        kind, _ = DictionaryItem.objects.get_or_create(kind="interaction", name="Visit")
        contact = ContactFactory(customer=customer)
        Interaction.objects.bulk_create(
            Interaction(
                customer=customer,
                created_by=user,
                happened_at=timezone.now(),
                kind=kind,
                contact=contact,
                subject=f"visit {i}",
                next_follow_up=timezone.localdate(),
            )
            for i in range(count)
        )


EXAMPLES = {"interactions": InteractionExample()}
