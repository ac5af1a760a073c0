"""Factories for people, shared by every app's tests."""

import factory

from .models import Department, User
from .services import set_pool_manager

PASSWORD = "correct-horse-battery"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Department {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username.title())
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def pool_manager(self, create, extracted, **kwargs):
        self.save()
        if extracted:
            set_pool_manager(self, True)
