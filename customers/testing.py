"""Factories and personas for customer tests."""

import factory
from django.utils import timezone

from .models import Contact, Customer, Share


class CustomerFactory(factory.django.DjangoModelFactory):
    """Builds rows directly, for test set-up only; the code under test goes through the
    ownership service."""

    class Meta:
        model = Customer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Customer {n}")
    phone = factory.Sequence(lambda n: f"010-{n:08d}")
    notes = "private notes"

    @factory.post_generation
    def claimed_at(self, create, extracted, **kwargs):
        if self.owner_id and not self.claimed_at:
            self.claimed_at = timezone.now()
            self.save(update_fields=["claimed_at"])


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")


class ShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Share
