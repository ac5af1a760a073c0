"""How a signed-in user is loaded on each request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .password_checks import password_check_slot

User = get_user_model()  # as Django's own backends module does: loaded once apps are ready


class UserWithRolesBackend(ModelBackend):
    """Django's own backend (passwords, permissions), except that the user read for each
    request says in the same query whether they manage the pool (UserQuerySet.with_roles):
    every page asks, and has_perm would read every permission of the user and of their
    groups, two more queries, to answer. Its password checks take turns
    (org.password_checks)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:  # nothing to hash: Django's answer
            return super().authenticate(request, username, password, **kwargs)
        with password_check_slot():
            return super().authenticate(request, username, password, **kwargs)

    def get_user(self, user_id):
        try:
            user = User._default_manager.with_roles().get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
