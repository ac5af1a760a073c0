"""Form fields for choosing people."""

from django import forms
from django.contrib.auth.forms import PasswordChangeForm

from .models import person_choices


class _PersonIterator(forms.models.ModelChoiceIterator):
    """(id, label) of each person straight from the database, without a model object
    each: the owner list of the combined query holds every active salesperson."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from person_choices(self.queryset)

    def __len__(self):
        return self.queryset.count() + (self.field.empty_label is not None)


class PersonChoiceField(forms.ModelChoiceField):
    iterator = _PersonIterator


class PasswordForm(PasswordChangeForm):
    """Django's password change, in the app's look."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
