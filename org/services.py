"""Users and departments (SPEC O1, O2). Administrators call these through the API and the
settings pages. The audit rows of people and departments are written by audit.signals
inside each of these transactions (every save of those models is traced)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from knox.models import AuthToken

from audit import trail
from audit.models import Action
from core.errors import NotAllowed, ServiceError

from .hierarchy import would_create_cycle
from .models import POOL_MANAGERS_GROUP, Department, User


def pool_managers_group():
    group, created = Group.objects.get_or_create(name=POOL_MANAGERS_GROUP)
    if created or not group.permissions.exists():
        group.permissions.add(
            Permission.objects.get(codename="manage_pool", content_type__app_label="customers")
        )
    return group


def set_pool_manager(user, value: bool):
    group = pool_managers_group()
    if value:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    # The object forgets what it knew of its roles (the permissions ModelBackend cached on
    # it, the flag UserQuerySet.with_roles() annotated), so the change shows at once.
    for cache in ("_perm_cache", "_group_perm_cache", "_user_perm_cache", "holds_pool_permission"):
        if hasattr(user, cache):
            delattr(user, cache)


def save_user(data, user=None, actor=None):
    """Create (user=None) or update a user. `password` is hashed; `is_pool_manager` maps
    to the pool managers group; `is_staff` is the administrator role; a supervisor loop is
    refused. `actor`: the administrator making the change, when a person makes it (pages,
    API): they may not lock themselves out, and only a superuser changes a superuser."""
    data = dict(data)
    if actor is not None:
        _refuse_for(actor, data, user)
    password = data.pop("password", None)
    pool_manager = data.pop("is_pool_manager", None)
    supervisor = data.get("supervisor")
    if user is not None and supervisor is not None and would_create_cycle(user.pk, supervisor):
        raise ServiceError(
            _("%(sup)s cannot supervise %(user)s: that would make a loop.")
            % {"sup": supervisor, "user": user},
            field="supervisor",
        )
    with transaction.atomic():
        if user is not None and user.is_active and data.get("is_active") is False:
            _refuse_leaving_customers(user)
        user = user or User()
        user._audit_actor = actor  # audit.signals traces the change, naming who made it
        for field, value in data.items():
            setattr(user, field, value)
        if password:
            user.set_password(password)
        elif user.pk is None:
            user.set_unusable_password()
        user.save()
        if pool_manager is not None:
            set_pool_manager(user, pool_manager)
        user._audit_actor = None  # a later save by someone else names them
    return user


def owned_customer_count(user):
    """How many customers `user` owns, the recycle bin's aside."""
    return user.owned_customers.filter(deleted_at__isnull=True).count()


def _refuse_leaving_customers(user):
    """A customer is never left with someone who cannot sign in (issue 17): whoever owns
    customers is deactivated with their hand-over (customers.services.ownership.hand_over),
    which moves them first in the same transaction."""
    owned = owned_customer_count(user)
    if owned:
        raise ServiceError(
            ngettext(
                "%(person)s still owns %(count)d customer: hand it over first.",
                "%(person)s still owns %(count)d customers: hand them over first.",
                owned,
            )
            % {"person": user.label, "count": owned},
            field="is_active",
        )


def check_may_administer(actor, user):
    """Refuses (NotAllowed) unless `actor` may change `user`'s account: an administrator
    may, but only a superuser changes a superuser's."""
    if not actor.is_administrator:
        raise NotAllowed(_("Only administrators may change people's accounts."))
    if user is not None and user.is_superuser and not actor.is_superuser:
        raise NotAllowed(_("Only a superuser may change a superuser's account."))


def _refuse_for(actor, data, user):
    check_may_administer(actor, user)
    if user is None:
        return
    if user.pk == actor.pk and data.get("is_active") is False:
        raise ServiceError(_("You cannot deactivate your own account."), field="is_active")
    if user.pk == actor.pk and data.get("is_staff") is False and not user.is_superuser:
        raise ServiceError(
            _("You cannot take your own administrator role away: ask another administrator."),
            field="is_staff",
        )


def save_department(name, department=None, actor=None):
    """Create (department=None) or rename a department; names are unique, in any case."""
    if actor is not None and not actor.is_administrator:
        raise NotAllowed(_("Only administrators may change departments."))
    name = str(name).strip()
    limit = Department._meta.get_field("name").max_length
    if not name:
        raise ServiceError(_("A department needs a name."), field="name")
    if len(name) > limit:
        raise ServiceError(
            _("A department's name is at most %(max)d characters long.") % {"max": limit},
            field="name",
        )
    others = Department.objects.filter(name__iexact=name)
    if department is not None:
        others = others.exclude(pk=department.pk)
    if others.exists():
        raise ServiceError(
            _("There is already a department named “%(name)s”.") % {"name": name}, field="name"
        )
    with transaction.atomic():
        department = department or Department()
        department.name = name
        department.save()
    return department


def end_token(user, token_key):
    """Ends one of `user`'s API tokens, named by the first characters the account page
    shows (knox's token_key); False when they have none such."""
    with transaction.atomic():
        ended = AuthToken.objects.filter(user=user, token_key=token_key).delete()[0]
        if ended:
            trail.record(user, Action.LOGOUT, user, reason=f"API token {token_key}… ended")
    return bool(ended)


def sign_out_everywhere(user, actor=None):
    """Ends every session and API token of `user`, wherever they were begun: the session
    hash moves on (User.get_session_auth_hash), the tokens are deleted. `actor`: the
    administrator who did it, when it was not the person themselves."""
    if actor is not None and actor.pk != user.pk:
        check_may_administer(actor, user)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
        user.refresh_from_db(fields=["session_generation"])
        AuthToken.objects.filter(user=user).delete()
        trail.record(actor or user, Action.LOGOUT, user, reason="signed out everywhere")
