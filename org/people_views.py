"""The administrators' pages of people and departments (SPEC O1, O2, B9): list, create,
change place and roles, deactivate and reactivate, sign out everywhere, turn two-factor
sign-in off (what Django admin, now for superusers only, offered them); departments
listed, created, renamed.
The rules are org.services' (save_user refuses a supervisor loop, as in the API); these
views parse the form, call one service and render."""

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.errors import NotVisible, ServiceError
from core.forms import add_service_error
from core.listing import numbered_paging

from . import lockouts, services, two_factor
from .access import AdministratorsOnly
from .forms import DepartmentForm, NewPersonForm, PersonForm
from .models import Department, User

PAGE_SIZE = 50


class PeoplePage(AdministratorsOnly, View):
    def render_page(self, request, template, context, status=200):
        return render(request, template, {"nav_section": "settings", **context}, status=status)


def person_of(pk):
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise NotVisible(_("There is no such user."))
    return person


def department_of(pk):
    department = Department.objects.filter(pk=pk).first()
    if department is None:
        raise NotVisible(_("There is no such department."))
    return department


class UserListView(PeoplePage):
    """Everyone, active or not, searched by name."""

    def get(self, request):
        search = request.GET.get("q", "").strip()[:100]
        people = User.objects.with_roles().select_related("department", "supervisor")
        if search:
            people = people.filter(
                Q(username__icontains=search)
                | Q(display_name__icontains=search)
                | Q(first_name__icontains=search)
                | Q(last_name__icontains=search)
            )
        if request.GET.get("active") == "1":  # the dashboard's "active users" (issue 18)
            people = people.filter(is_active=True)
        people = people.order_by("-is_active", "username", "pk")
        paging = numbered_paging(people, PAGE_SIZE, request.GET.get("page"))
        context = {"paging": paging, "people": paging.rows, "search": search}
        return self.render_page(request, "org/people.html", context)


class UserCreateView(PeoplePage):
    template_name = "org/person_form.html"

    def get(self, request):
        return self.render_page(request, self.template_name, {"form": NewPersonForm()})

    def post(self, request):
        form = NewPersonForm(request.POST)
        if form.is_valid():
            try:
                person = services.save_user(form.changes(), actor=request.user)
            except ServiceError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(
                    request,
                    _("The user %(name)s is created and can sign in as %(username)s.")
                    % {"name": person.label, "username": person.username},
                )
                return redirect("org:users")
        return self.render_page(request, self.template_name, {"form": form}, status=400)


class UserEditView(PeoplePage):
    template_name = "org/person_form.html"

    def page(self, request, person, form, status=200):
        context = {
            "form": form,
            "person": person,
            "two_factor_on": two_factor.is_on(person),
            "locked": [lock for lock in lockouts.current() if lock.username == person.username],
            # Someone who owns customers is deactivated with their hand-over (issue 17).
            "owned": services.owned_customer_count(person),
        }
        return self.render_page(request, self.template_name, context, status)

    def get(self, request, pk):
        person = person_of(pk)
        return self.page(request, person, PersonForm(instance=person))

    def post(self, request, pk):
        person = person_of(pk)
        form = PersonForm(request.POST, instance=person)
        if form.is_valid():
            try:
                services.save_user(form.changes(), person_of(pk), actor=request.user)
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("%(name)s is saved.") % {"name": person.label})
                return redirect("org:users")
        return self.page(request, person_of(pk), form, status=400)


class UserActiveView(PeoplePage):
    """Deactivates a person (they can no longer sign in; what they did stays theirs) or
    reactivates them."""

    def post(self, request, pk):
        person = person_of(pk)
        active = request.POST.get("active") == "1"
        try:
            services.save_user({"is_active": active}, person, actor=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("org:user-edit", pk=person.pk)
        if active:
            message = _("%(name)s is active again and can sign in.")
        else:
            message = _("%(name)s is deactivated and can no longer sign in.")
        messages.success(request, message % {"name": person.label})
        return redirect("org:users")


class UserSignOutView(PeoplePage):
    """Ends every session and API token of a person (a lost phone, a shared computer)."""

    def post(self, request, pk):
        person = person_of(pk)
        try:
            services.sign_out_everywhere(person, actor=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s is signed out everywhere: every session and API token has ended.")
                % {"name": person.label},
            )
        return redirect("org:user-edit", pk=person.pk)


class UserTwoFactorOffView(PeoplePage):
    """Turns two-factor sign-in off for a person who lost both phone and recovery codes."""

    def post(self, request, pk):
        person = person_of(pk)
        try:
            two_factor.reset(person, actor=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Two-factor sign-in is off for %(name)s: they sign in with their password.")
                % {"name": person.label},
            )
        return redirect("org:user-edit", pk=person.pk)


class LockoutListView(PeoplePage):
    """The usernames and addresses refused at sign-in right now, each with Unlock."""

    def get(self, request):
        context = {"lockouts": lockouts.current(), "limit": settings.AXES_FAILURE_LIMIT}
        return self.render_page(request, "org/lockouts.html", context)


class LockoutUnlockView(PeoplePage):
    """Forgets the failed sign-ins of a username, an address, or both together."""

    def post(self, request):
        username = request.POST.get("username", "").strip()[:150]
        address = request.POST.get("address", "").strip()[:45]
        what = lockouts.describe(username, address)
        if lockouts.unlock(request.user, username=username, address=address):
            messages.success(request, _("%(what)s can sign in again.") % {"what": what})
        else:
            messages.info(
                request, _("%(what)s was not locked: nothing changed.") % {"what": what or "—"}
            )
        back = request.POST.get("back")
        if back and back.isdigit() and User.objects.filter(pk=back).exists():
            return redirect("org:user-edit", pk=int(back))
        return redirect("org:lockouts")


class DepartmentListView(PeoplePage):
    """Every department with how many people it has, and the form that adds one."""

    template_name = "org/departments.html"

    def page(self, request, form, status=200):
        departments = Department.objects.annotate(
            members_count=Count("members", filter=Q(members__is_active=True))
        ).order_by("name")
        context = {"departments": departments, "form": form}
        return self.render_page(request, self.template_name, context, status)

    def get(self, request):
        return self.page(request, DepartmentForm())

    def post(self, request):
        form = DepartmentForm(request.POST)
        if form.is_valid():
            try:
                department = services.save_department(form.cleaned_data["name"], actor=request.user)
            except ServiceError as error:
                form.add_error("name", error.message)
            else:
                messages.success(
                    request, _("The department %(name)s is created.") % {"name": department.name}
                )
                return redirect("org:departments")
        return self.page(request, form, status=400)


class DepartmentEditView(PeoplePage):
    """Renaming a department."""

    template_name = "org/department_form.html"

    def page(self, request, department, form, status=200):
        context = {"department": department, "form": form}
        return self.render_page(request, self.template_name, context, status)

    def get(self, request, pk):
        department = department_of(pk)
        return self.page(request, department, DepartmentForm(initial={"name": department.name}))

    def post(self, request, pk):
        department = department_of(pk)
        before = department.name
        form = DepartmentForm(request.POST)
        if form.is_valid():
            try:
                services.save_department(form.cleaned_data["name"], department, actor=request.user)
            except ServiceError as error:
                form.add_error("name", error.message)
            else:
                messages.success(
                    request,
                    _("The department %(before)s is renamed %(name)s.")
                    % {"before": before, "name": department.name},
                )
                return redirect("org:departments")
        return self.page(request, department_of(pk), form, status=400)
