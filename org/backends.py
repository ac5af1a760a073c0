"""How a signed-in user is loaded on each request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

User = get_user_model()  # as Django's own backends module does: loaded once apps are ready


class UserWithRolesBackend(ModelBackend):
    """Django's own backend (passwords, permissions), except that the user read for each
    request says in the same query whether they manage the pool (UserQuerySet.with_roles):
    every page asks, and has_perm would read every permission of the user and of their
    groups, two more queries, to answer."""

    def get_user(self, user_id):
        try:
            user = User._default_manager.with_roles().get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
