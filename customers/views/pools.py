"""The administrators' pages of pools (issue 17): the list (pool managers read it), a
pool's name, people and rules of its own, and its deletion. The rules are
customers.services.pools'; these views parse the form, call one service and render."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from audit import trail
from core.errors import NotAllowed, NotVisible, ServiceError
from core.views import ServiceErrorPages, refusal
from org.access import AdministratorsOnly

from ..forms.pools import PoolForm
from ..models import Customer, Pool
from ..services.pools import delete_pool, save_pool


def _count(rows):
    """How many of `rows` (a queryset tied to the pool by OuterRef) there are, as a
    subquery: one join per count would multiply members by customers."""
    counted = rows.order_by().values("pool_id").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def pools_listed():
    """Every pool with its counts and managers, in three queries whatever their number."""
    pool = OuterRef("pk")
    return (
        Pool.objects.annotate(
            people_count=_count(Pool.members.through.objects.filter(pool_id=pool)),
            departments_count=_count(Pool.departments.through.objects.filter(pool_id=pool)),
            customers_count=_count(Customer.live.filter(pool_id=pool)),
        )
        .prefetch_related("managers")
        .order_by("name")
    )


def pool_of(pk):
    pool = Pool.objects.filter(pk=pk).first()
    if pool is None:
        raise NotVisible(_("There is no such pool."))
    return pool


class PoolListView(LoginRequiredMixin, ServiceErrorPages, View):
    """Administrators change pools from here; pool managers read the list."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (user.is_administrator or user.is_pool_manager):
            message = _("Only administrators and pool managers may open the list of pools.")
            trail.refused(request, message, 403)
            return refusal(request, message, 403)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        may_change = request.user.is_administrator
        context = {
            "pools": pools_listed(),
            "company_customers": Customer.live.filter(pool__isnull=True).count(),
            "may_change": may_change,
            "nav_section": "settings" if may_change else "pool",
        }
        return render(request, "customers/pools.html", context)


class PoolPage(AdministratorsOnly, View):
    def render_page(self, request, template, context, status=200):
        return render(request, template, {"nav_section": "settings", **context}, status=status)


class PoolFormView(PoolPage):
    """A new pool (no `pk`) or a pool's changes."""

    template_name = "customers/pool_form.html"

    def page(self, request, pool, form, status=200):
        return self.render_page(request, self.template_name, {"pool": pool, "form": form}, status)

    def get(self, request, pk=None):
        pool = pool_of(pk) if pk else None
        return self.page(request, pool, PoolForm(instance=pool, actor=request.user))

    def post(self, request, pk=None):
        pool = pool_of(pk) if pk else None
        # The form writes its values on the pool it is given: the page keeps the name saved.
        form = PoolForm(request.POST, instance=pool_of(pk) if pk else None, actor=request.user)
        if form.is_valid():
            try:
                saved = save_pool(request.user, pool, form.values(), form.people())
            except NotAllowed:
                raise  # a page of its own (ServiceErrorPages), not an error on the form
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                text = (
                    _("The pool %(name)s is saved.") if pool else _("The pool %(name)s is added.")
                )
                messages.success(request, text % {"name": saved.name})
                return redirect("customers:pools")
        return self.page(request, pool, form, status=400)


class PoolDeleteView(PoolPage):
    """Asks first, saying how many customers will move to the company pool."""

    template_name = "customers/pool_delete.html"

    def get(self, request, pk):
        pool = pool_of(pk)
        context = {"pool": pool, "customers": Customer.objects.filter(pool=pool).count()}
        return self.render_page(request, self.template_name, context)

    def post(self, request, pk):
        pool = pool_of(pk)
        moved = delete_pool(request.user, pool)
        text = ngettext(
            "Pool %(name)s deleted; %(count)d customer moved to the company pool.",
            "Pool %(name)s deleted; %(count)d customers moved to the company pool.",
            moved,
        )
        messages.success(request, text % {"name": pool.name, "count": moved})
        return redirect("customers:pools")
