"""API tokens that expire: one lasts TOKEN_LIFETIME from its issue. (A module of its own:
DRF imports authentication classes while its views are still loading.)"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def expires_at(token):
    return token.created + settings.TOKEN_LIFETIME


def expired(token):
    return expires_at(token) < timezone.now()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(
                _("The token has expired; ask for a new one with your password.")
            )
        return user, token
