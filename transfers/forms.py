from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from org.models import User

from .models import ImportJob
from .reading import ENCODING_CHOICES


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("CSV or Excel (.xlsx) file"))
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV file"),
        choices=[("", _("detect it")), *ENCODING_CHOICES],
        required=False,
    )


class StartForm(StyledFormMixin, forms.Form):
    target = forms.ChoiceField(label=_("Import into"), widget=forms.RadioSelect)
    assignees = forms.ModelMultipleChoiceField(
        label=_("Salespeople"), queryset=User.objects.none(), required=False
    )
    on_duplicate = forms.ChoiceField(
        label=_("A customer of the same name exists"),
        choices=ImportJob.OnDuplicate.choices,
        initial=ImportJob.OnDuplicate.SKIP,
        widget=forms.RadioSelect,
    )

    add_unknown = forms.BooleanField(
        label=_("Add the values not in the data dictionary to it"),
        help_text=_("Otherwise those fields are left empty."),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.is_administrator:  # only they change the dictionary (importing.start)
            del self.fields["add_unknown"]
        targets = ImportJob.Target.choices
        if not user.is_pool_manager:  # the only target they may choose (importing.refuse_target)
            targets = [(value, label) for value, label in targets if value == ImportJob.Target.MINE]
        self.fields["target"].choices = targets
        self.fields["target"].initial = targets[0][0]
        if user.is_pool_manager:
            people = User.objects.filter(is_active=True).exclude(is_superuser=True)
            self.fields["assignees"].queryset = people.order_by("username")
        else:
            del self.fields["assignees"]
