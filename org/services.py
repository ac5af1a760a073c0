"""Users and departments (SPEC O1, O2). Administrators call these through the API."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from knox.models import AuthToken

from audit import trail
from audit.models import Action
from core.errors import ServiceError

from .hierarchy import would_create_cycle
from .models import POOL_MANAGERS_GROUP, User


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


def save_user(data, user=None):
    """Create (user=None) or update a user. `password` is hashed; `is_pool_manager` maps
    to the pool managers group; a supervisor loop is refused."""
    data = dict(data)
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
        user = user or User()
        for field, value in data.items():
            setattr(user, field, value)
        if password:
            user.set_password(password)
        elif user.pk is None:
            user.set_unusable_password()
        user.save()
        if pool_manager is not None:
            set_pool_manager(user, pool_manager)
    return user


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
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
        user.refresh_from_db(fields=["session_generation"])
        AuthToken.objects.filter(user=user).delete()
        trail.record(actor or user, Action.LOGOUT, user, reason="signed out everywhere")
