"""API tokens (django-rest-knox): each stored as a hash and lasting TOKEN_LIFETIME from its
issue. A module of its own: DRF imports authentication classes while its views are still
loading."""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions


class ExpiringTokenAuthentication(TokenAuthentication):
    """knox's, with an answer a person can act on, in their language: an unknown token and
    an expired one look the same to knox (it deletes expired ones as it meets them)."""

    def authenticate_credentials(self, token):
        try:
            return super().authenticate_credentials(token)
        except exceptions.AuthenticationFailed:
            raise exceptions.AuthenticationFailed(
                _("Unknown or expired token; ask for a new one with your password.")
            ) from None


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI document describes these tokens: `Authorization: Token <token>`."""

    target_class = ExpiringTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=settings.REST_KNOX["AUTH_HEADER_PREFIX"]
        )
