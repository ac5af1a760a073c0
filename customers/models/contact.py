from django.db import models
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from settings_app.models import DictionaryItem

from ..normalize import fold
from ..search_index import CONTACT_NAMES
from .indexed import NameIndexed, drop_from_name_index


class Contact(NameIndexed):
    """A person at a customer (SPEC C4). Exactly one is primary when any exist;
    customers.services.contacts keeps it so."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    search_name = models.CharField(max_length=100, editable=False)  # see search_index
    title = models.CharField(pgettext_lazy("person", "title"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=10_000)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["search_name"], related_name="+")
    name_index = CONTACT_NAMES

    class Meta:
        ordering = ["-is_primary", "name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=models.Q(is_primary=True), name="contact_one_primary"
            )
        ]

    def __str__(self):
        return self.name

    def normalise(self):
        self.search_name = fold(self.name)

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)


class SocialRelation(models.Model):
    """Someone a contact knows (SPEC C5)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="relations")
    relation_type = models.ForeignKey(
        DictionaryItem,
        verbose_name=_("relation"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "relation"},
    )
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("social relation")
        verbose_name_plural = _("social relations")

    def __str__(self):
        return self.person_name


post_delete.connect(drop_from_name_index, sender=Contact)
