from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.ids import as_id
from org.models import Department
from settings_app.models import DictionaryItem, DictionaryKind

from ..services import ownership

# action → (label, service); each service takes (user, ids, **options) and answers per id.
BATCH_ACTIONS = {
    "claim": (_("Claim"), ownership.claim),
    "return": (_("Return"), ownership.return_to_pool),
    "reclaim": (_("Reclaim"), ownership.reclaim),
    "assign": (_("Assign"), ownership.assign),
    "share": (_("Share"), ownership.share),
    "unshare": (_("Remove share"), ownership.unshare),
    "delete": (_("Delete"), ownership.delete),
    "restore": (_("Restore"), ownership.restore),
    "lock": (_("Lock"), ownership.lock),
    "unlock": (_("Unlock"), ownership.unlock),
}


class BatchForm(forms.Form):
    """The ticked rows of a list page and the toolbar button pressed (SPEC L5, L7)."""

    action = forms.ChoiceField(choices=[(k, v[0]) for k, v in BATCH_ACTIONS.items()])
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)
    to = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.filter(is_active=True), required=False
    )
    users = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.filter(is_active=True), required=False
    )
    departments = forms.ModelMultipleChoiceField(queryset=Department.objects.all(), required=False)
    # Why, for the history tab (H1): optional, as long as the event's column.
    reason = forms.CharField(max_length=300, required=False, label=_("Reason"))
    # Why a customer is returned, from the data dictionary (issue 17).
    reason_item = forms.ModelChoiceField(
        queryset=DictionaryItem.objects.filter(kind=DictionaryKind.RETURN_REASON, is_active=True),
        required=False,
        label=_("Return reason"),
    )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            # The toolbar's single-choice pickers post "" when nothing is chosen.
            data = data.copy()
            for name in ("to", "users", "departments"):
                data.setlist(name, [v for v in data.getlist(name) if v])
        super().__init__(data, *args, **kwargs)
        # Any whole numbers: the service refuses unknown ones per id.
        self.fields["ids"].valid_value = lambda value: as_id(value) is not None

    def clean_ids(self):
        ids = self.cleaned_data["ids"]
        if not ids:
            raise forms.ValidationError(_("Tick at least one customer first."))
        return ids

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "assign" and not data.get("to"):
            self.add_error("to", _("Choose who to assign to."))
        if action in ("share", "unshare") and not (data.get("users") or data.get("departments")):
            self.add_error("users", _("Choose at least one colleague or department."))
        return data

    def options(self):
        """Keyword arguments for the chosen service."""
        data = self.cleaned_data
        options = {"reason": data["reason"]}
        if data["action"] == "return":
            options["reason_item"] = data["reason_item"]
        if data["action"] == "assign":
            options["to_users"] = list(data["to"])
        if data["action"] in ("share", "unshare"):
            options.update(users=list(data["users"]), departments=list(data["departments"]))
        return options

    def run(self, user):
        label, service = BATCH_ACTIONS[self.cleaned_data["action"]]
        return label, service(user, self.cleaned_data["ids"], **self.options())
