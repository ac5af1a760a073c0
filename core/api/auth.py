"""POST /api/auth/token/: a token for a username and password, and the sign-in traced as
the pages' sign-in is (a failed one is traced by Django's user_login_failed signal).
DELETE /api/auth/token/: the caller's tokens end, everywhere they were used.

A token lasts TOKEN_LIFETIME from its issue (core.api.authentication); a changed password
or a deactivated account ends it at once (org.signals)."""

from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from audit import trail
from audit.models import Action
from core.api.authentication import expired
from core.api.parsers import PARSERS
from core.lockout import locked_out


class TokenView(ObtainAuthToken):
    parser_classes = PARSERS  # ObtainAuthToken names DRF's own

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # django-axes marks the request it refused (on DRF's request, which its
            # middleware does not see).
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)
            serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token = Token.objects.filter(user=user).first()
        if token is not None and expired(token):
            token.delete()
        token, _created = Token.objects.get_or_create(user=user)
        trail.record(user, Action.LOGIN, user, reason="API token")
        return Response({"token": token.key, "expires": token.created + settings.TOKEN_LIFETIME})

    def delete(self, request, *args, **kwargs):
        ended = Token.objects.filter(user=request.user).delete()[0]
        trail.record(request.user, Action.LOGOUT, request.user, reason="API tokens ended")
        return Response({"ended": ended})
