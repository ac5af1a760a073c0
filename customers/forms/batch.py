from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.ids import as_id
from org.models import Department
from settings_app.models import DictionaryItem, DictionaryKind

from .. import querysets, rules
from ..filtersets import COMPANY_POOL
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
    "move": (_("Move to pool"), ownership.move_to_pool),
}


def pool_targets(actor, user):
    """(value, name) of each pool `user` may put customers in (issue 17): for a pool
    manager of some pool, those they manage, and the company pool for the company's pool
    managers. None for everyone else, and where no pool is added (no query then)."""
    if not (actor.manages_any and querysets.pool_access(user).seen):
        return []
    company = rules.refuse_moving_to(actor, None) is None
    targets = [(COMPANY_POOL, _("Company pool"))] if company else []
    for pool in querysets.pools(user):
        if rules.refuse_moving_to(actor, pool) is None:
            targets.append((str(pool.pk), pool.name))
    return targets


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
    # Where "move" puts the customers, and where "return" does instead of each one's own
    # pool (issue 17): "company" or a pool's id. Not chosen: "" (ownership.ITS_POOL).
    to_pool = forms.CharField(max_length=20, required=False, label=_("Move to pool"))
    return_pool = forms.CharField(max_length=20, required=False, label=_("Return to pool"))

    def __init__(self, data=None, *args, user=None, **kwargs):
        self.user = user
        if data is not None:
            # The toolbar's single-choice pickers post "" when nothing is chosen.
            data = data.copy()
            for name in ("to", "users", "departments"):
                data.setlist(name, [v for v in data.getlist(name) if v])
        super().__init__(data, *args, **kwargs)
        # Any whole numbers: the service refuses unknown ones per id.
        self.fields["ids"].valid_value = lambda value: as_id(value) is not None

    def chosen_pool(self, name):
        """The pool posted as `name`: a Pool, None for the company pool, ownership.ITS_POOL
        when none is chosen. Only the pools the person sees are known by id."""
        value = self.cleaned_data[name].strip()
        if not value:
            return ownership.ITS_POOL
        if value == COMPANY_POOL:
            return None
        pk = as_id(value)
        pool = querysets.pools(self.user).filter(pk=pk).first() if pk and self.user else None
        if pool is None:
            raise forms.ValidationError(
                _("No pool you may see has the id “%(value)s”: choose one from the list."),
                params={"value": value},
            )
        return pool

    def clean_to_pool(self):
        return self.chosen_pool("to_pool")

    def clean_return_pool(self):
        return self.chosen_pool("return_pool")

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
        if action == "move" and data.get("to_pool", None) is ownership.ITS_POOL:
            self.add_error("to_pool", _("Choose the pool to move them to."))
        return data

    def options(self):
        """Keyword arguments for the chosen service."""
        data = self.cleaned_data
        options = {"reason": data["reason"]}
        if data["action"] == "return":
            options["reason_item"] = data["reason_item"]
            if data["return_pool"] is not ownership.ITS_POOL:
                options["to_pool"] = data["return_pool"]
        if data["action"] == "move":
            options["pool"] = data["to_pool"]
        if data["action"] == "assign":
            options["to_users"] = list(data["to"])
        if data["action"] in ("share", "unshare"):
            options.update(users=list(data["users"]), departments=list(data["departments"]))
        return options

    def run(self, user):
        label, service = BATCH_ACTIONS[self.cleaned_data["action"]]
        return label, service(user, self.cleaned_data["ids"], **self.options())
