"""Rows whose names are kept in a name search index (customers.search_index)."""

from django.db import models, transaction


class NameIndexed(models.Model):
    """Keeps `search_name` in `name_index`. A save that writes the name writes its index
    entries in the same transaction, after the row, so a concurrent rename of the same row
    waits for this one and then writes its own. Subclasses set `search_name` before calling
    save(), and connect `drop_from_name_index` to post_delete for themselves."""

    name_index = None  # a customers.search_index.GramIndex

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if fields is not None and "search_name" not in fields and "name" not in fields:
            return super().save(*args, **kwargs)
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            previous = getattr(self, "indexed_search_name", None)
            self.name_index.sync(
                self.pk,
                self.name_index.entries(self.search_name),
                self.name_index.entries(previous) if previous is not None else (),
            )
        self.indexed_search_name = self.search_name

    @classmethod
    def from_db(cls, db, field_names, values):
        row = super().from_db(db, field_names, values)
        if "search_name" in field_names:
            row.indexed_search_name = values[list(field_names).index("search_name")]
        return row


def drop_from_name_index(sender, instance, **kwargs):
    index = instance.name_index
    index.remove(instance.pk, index.entries(instance.search_name))
