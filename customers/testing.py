"""Factories and personas for customer tests."""

import re

import factory
from django.urls import reverse
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


def fresh(user):
    """The person read anew: the pools they see are read once per request and kept on the
    user object, and a test changes pools between requests."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=user.pk)


def new_pool(admin, name="East", members=(), departments=(), managers=(), **values):
    """A pool added by the administrator `admin` through the service (issue 17)."""
    from .services.pools import save_pool

    people = {"members": members, "departments": departments, "managers": managers}
    return save_pool(admin, None, {"name": name, **values}, people)


def in_pool(pool, *names, owner=None):
    """New customers put straight in `pool`, read anew."""
    rows = [CustomerFactory(name=name, owner=owner) for name in names]
    Customer.objects.filter(pk__in=[c.pk for c in rows]).update(pool=pool)
    return [Customer.objects.get(pk=c.pk) for c in rows]


def html(client, url, params=None):
    """The page at `url`, which must answer 200, as text."""
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def batch_result(page):
    """What a list page says a batch action did, its spaces folded."""
    match = re.search(r'data-testid="batch-result">(.*?)</div>', page, re.S)
    assert match, "the list page shows the batch result"
    return re.sub(r"\s+", " ", match.group(1))


def post_batch(client, data, back):
    """A batch action posted from the list page `back`, and what that page then says."""
    response = client.post(reverse("customers:batch"), {**data, "next": back})
    assert response.status_code in (302, 303)
    return batch_result(html(client, back))
