"""Form fields for choosing people, and the administrators' forms of people and
departments."""

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import validate_password
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin

from .models import Department, User, person_choices


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


class PersonForm(StyledFormMixin, forms.ModelForm):
    """A person as an administrator edits them: name, place in the company, roles (SPEC
    O1, O2). The rules (a supervisor loop, locking oneself out) are org.services.save_user's."""

    is_pool_manager = forms.BooleanField(label=_("Pool manager"), required=False)
    is_staff = forms.BooleanField(label=_("Administrator"), required=False)

    class Meta:
        model = User
        fields = [
            "display_name",
            "department",
            "supervisor",
            "customer_limit",
            "is_pool_manager",
            "is_staff",
        ]
        labels = {"department": _("Department"), "supervisor": _("Supervisor")}
        field_classes = {"supervisor": PersonChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The active, and whoever supervises them now (still shown if since deactivated).
        current = Q(pk=self.instance.supervisor_id) if self.instance.supervisor_id else Q()
        people = User.objects.filter(Q(is_active=True) | current)
        if self.instance.pk:
            people = people.exclude(pk=self.instance.pk)
            self.fields["is_pool_manager"].initial = self.instance.is_pool_manager
        people = people.order_by("display_name", "username")
        self.fields["supervisor"].queryset = people
        self.fields["department"].queryset = Department.objects.order_by("name")

    def changes(self):
        """What save_user is given."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class NewPersonForm(PersonForm):
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta(PersonForm.Meta):
        fields = ["username", *PersonForm.Meta.fields]
        labels = {**PersonForm.Meta.labels, "username": _("Username")}

    def clean_password(self):
        password = self.cleaned_data["password"]
        person = User(
            username=self.cleaned_data.get("username", ""),
            display_name=self.cleaned_data.get("display_name", ""),
        )
        validate_password(password, person)
        return password

    def changes(self):
        return {**super().changes(), "password": self.cleaned_data["password"]}


class DepartmentForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=Department._meta.get_field("name").max_length
    )
