"""Rows whose names are kept in a name search index (customers.search_index)."""

from django.db import models, transaction

INDEXED_FIELDS = {"name", "search_name"}


class NameIndexed(models.Model):
    """Keeps `search_name` (and, for an ordered index, `name`) in `name_index`. A save that
    writes the name writes its index entries in the same transaction, after the row, so a
    concurrent rename of the same row waits for this one and then writes its own.
    Subclasses set `search_name` before calling save(), and connect
    `drop_from_name_index` to post_delete for themselves."""

    name_index = None  # a customers.search_index.GramIndex

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if fields is not None and not INDEXED_FIELDS & set(fields):
            return super().save(*args, **kwargs)
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            previous = getattr(self, "_indexed_names", None)
            self.name_index.sync(
                self.pk,
                self.name_index.entries(self.search_name, self.name),
                self.name_index.entries(*previous) if previous else (),
            )
        self._indexed_names = (self.search_name, self.name)

    @classmethod
    def from_db(cls, db, field_names, values):
        row = super().from_db(db, field_names, values)
        loaded = row.__dict__
        if INDEXED_FIELDS <= loaded.keys():
            row._indexed_names = (loaded["search_name"], loaded["name"])
        return row


def drop_from_name_index(sender, instance, **kwargs):
    index = instance.name_index
    index.remove(instance.pk, index.entries(instance.search_name, instance.name))
