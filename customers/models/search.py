from django.db import models

from .contact import Contact
from .customer import Customer


class NameGram(models.Model):
    """One entry of a search index: `gram` is a character pair of a folded name (or its
    last character alone), encoded as an integer (customers.search_index.gram_codes), so
    its order is code-point order on every database and collation.

    No foreign-key constraint and no cascade: the index is derived data that
    customers.search_index keeps and `manage.py rebuild_search_index` rebuilds; a stale
    entry only adds a candidate that the exact match then drops."""

    gram = models.BigIntegerField()

    class Meta:
        abstract = True

    def __str__(self):
        first, second = divmod(self.gram, 0x110000)
        return chr(first) + (chr(second) if second else "")


class CustomerNameGram(NameGram):
    pk = models.CompositePrimaryKey("gram", "customer")
    customer = models.ForeignKey(
        Customer, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )


class ContactNameGram(NameGram):
    pk = models.CompositePrimaryKey("gram", "contact")
    contact = models.ForeignKey(
        Contact, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
