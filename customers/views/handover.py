"""Hand-over when someone leaves or changes jobs (issue 17): all of a person's customers in
one step, for administrators (with the deactivation), pool managers and supervisors. The
rules and the moves are customers.rules.refuse_hand_over and ownership.hand_over's."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from core.errors import NotAllowed, ServiceError
from core.views import ServiceErrorPages
from core.widgets import option_tags
from org.models import person_choices
from org.services import owned_customer_count

from .. import querysets, rules
from ..models import Customer
from ..services import ownership

MODES = ("one", "several", "pool")


def outcome(person, result, to_users, deactivated):
    """What the hand-over did, said in one sentence per kind of move."""
    moved = len(result.done)
    if not to_users:
        text = ngettext(
            "%(count)d customer of %(person)s went back to the pool.",
            "%(count)d customers of %(person)s went back to the pool.",
            moved,
        )
        text %= {"count": moved, "person": person.label}
    else:
        owners = Customer.objects.filter(pk__in=result.done).values_list("owner_id", flat=True)
        counts = Counter(owners)
        given = _(", ").join(f"{u.label} ({counts[u.pk]})" for u in to_users if counts[u.pk])
        text = ngettext(
            "%(count)d customer of %(person)s handed over: %(given)s.",
            "%(count)d customers of %(person)s handed over: %(given)s.",
            moved,
        )
        text %= {"count": moved, "person": person.label, "given": given or "—"}
    if result.refused:
        text += " " + _("Not moved: %(names)s.") % {
            "names": _(", ").join(f"{r['name']} ({r['reason']})" for r in result.refused)
        }
    if deactivated:
        text += " " + _("%(person)s is deactivated.") % {"person": person.label}
    return text


class HandOverView(LoginRequiredMixin, ServiceErrorPages, TemplateView):
    """GET: choose whose customers, then how; POST: hand them over."""

    template_name = "customers/hand_over.html"

    def person(self, raw):
        """The person named by `raw`, whose customers the viewer may hand over, or None;
        refused (NotAllowed, a 403 page) for anyone who hands over nobody's."""
        actor = rules.Actor.of(self.request.user)
        refused = rules.refuse_handing_over(actor)
        if refused:
            raise NotAllowed(refused)
        if not raw or not str(raw).isdigit():
            return None
        person = get_object_or_404(get_user_model(), pk=raw)
        refused = rules.refuse_hand_over(actor, person)
        if refused:
            raise NotAllowed(refused)
        return person

    def get_context_data(self, person=None, form=None, **kwargs):
        user = self.request.user
        form = form or {}
        context = super().get_context_data(**kwargs)
        people = querysets.handed_over_by(user)
        context.update(
            title=_("Hand over customers"),
            person=person,
            person_options=option_tags(
                [
                    (p.pk, p.label if p.is_active else _("%s (deactivated)") % p.label)
                    for p in people
                ],
                selected=[person.pk] if person else (),
            ),
            is_administrator=user.is_administrator,
            form=form,
            mode=form.get("mode", "one"),
        )
        if person is not None:
            targets = querysets.assignees(user).exclude(pk=person.pk)
            chosen = form.get("to", [])
            context.update(
                owned=owned_customer_count(person),
                one_options=option_tags(person_choices(targets), selected=chosen[:1]),
                several_options=option_tags(person_choices(targets), selected=chosen),
                deactivate=form.get("deactivate", self.request.GET.get("deactivate") == "1"),
            )
        return context

    def get(self, request, *args, **kwargs):
        person = self.person(request.GET.get("person"))
        return self.render_to_response(self.get_context_data(person=person))

    def post(self, request, *args, **kwargs):
        person = self.person(request.POST.get("person"))
        if person is None:
            return redirect("customers:hand-over")
        mode = request.POST.get("mode")
        if mode is None and not owned_customer_count(person):
            mode = "pool"  # nothing to move: only the deactivation is asked for
        ids = [raw for raw in request.POST.getlist("to_" + (mode or "")) if raw.isdigit()]
        form = {
            "mode": mode,
            "to": ids,
            "reason": request.POST.get("reason", "")[:300],
            "deactivate": request.POST.get("deactivate") == "1",
        }
        deactivate = form["deactivate"] and request.user.is_administrator
        to_users = list(querysets.assignees(request.user).filter(pk__in=ids))
        error = None
        if mode not in MODES:
            error = _("Choose what becomes of the customers.")
        elif mode != "pool" and not to_users:
            error = _("Choose whom to give them to.")
        elif mode == "one" and len(to_users) > 1:
            error = _("Choose one person, or spread them over several.")
        if error is None:
            try:
                result = ownership.hand_over(
                    request.user,
                    person,
                    to_users if mode != "pool" else (),
                    form["reason"],
                    deactivate=deactivate,
                )
            except ServiceError as refused:
                if isinstance(refused, NotAllowed):
                    raise
                error = refused.message
            else:
                messages.success(request, outcome(person, result, to_users, deactivate))
                if request.user.is_administrator:
                    return redirect("org:users")
                return redirect(reverse("customers:hand-over") + f"?person={person.pk}")
        messages.error(request, error)
        return self.render_to_response(self.get_context_data(person=person, form=form))
