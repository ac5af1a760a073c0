"""The administrators' pages of pools (issue 17): the list (pool managers read it), a
pool's name, people and rules of its own, and its deletion. The rules are
customers.services.pools'; these views parse the form, call one service and render."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from core.errors import NotAllowed, NotVisible, ServiceError
from core.forms import add_service_error
from org.access import AdministratorsOnly, PoolManagersRead

from ..forms.pools import PoolForm
from ..models import Customer, Pool
from ..querysets import with_counts
from ..services.pools import delete_pool, save_pool


def pools_listed():
    """Every pool with its counts and managers, in three queries whatever their number."""
    return with_counts(Pool.objects.all()).prefetch_related("managers").order_by("name")


def pool_of(pk):
    pool = Pool.objects.filter(pk=pk).first()
    if pool is None:
        raise NotVisible(_("There is no such pool."))
    return pool


class PoolListView(PoolManagersRead, View):
    """Administrators change pools from here; pool managers read the list."""

    refused_message = gettext_lazy(
        "Only administrators and pool managers may open the list of pools."
    )

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
                add_service_error(form, error)
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
