"""POST /api/auth/token/: a token for a username and password, and the sign-in traced as
the pages' sign-in is (a failed one is traced by Django's user_login_failed signal).
DELETE /api/auth/token/: the caller's tokens end, everywhere they were used.

Tokens are django-rest-knox's: stored as a hash, each lasting TOKEN_LIFETIME from its issue;
a person may hold several (a script, a phone). A changed password or a deactivated account
ends them at once (org.signals); so does "sign out everywhere"."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import generics, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import trail
from audit.models import Action
from core.api.parsers import PARSERS
from core.errors import ServiceError
from core.lockout import locked_out
from org import services, two_factor


class TokenRequestSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        required=False,
        max_length=32,
        write_only=True,
        help_text="The code of the authenticator app, for an account with two-factor sign-in.",
    )


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField()


class EndedSerializer(serializers.Serializer):
    ended = serializers.IntegerField()


class TokenView(generics.GenericAPIView):
    serializer_class = TokenRequestSerializer
    parser_classes = PARSERS

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    @extend_schema(responses=IssuedTokenSerializer)
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # django-axes marks the request it refused (on DRF's request, which its
            # middleware does not see).
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)
            serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        refused = _two_factor_refusal(user, serializer.validated_data.get("otp"))
        if refused:
            return Response({"detail": refused, "otp_required": True}, status=401)
        stored, token = AuthToken.objects.create(user)  # the token itself is never stored
        trail.record(user, Action.LOGIN, user, reason="API token")
        return Response({"token": token, "expires": stored.expiry})

    @extend_schema(request=None, responses=EndedSerializer)
    def delete(self, request, *args, **kwargs):
        ended = AuthToken.objects.filter(user=request.user).delete()[0]
        trail.record(request.user, Action.LOGOUT, request.user, reason="API tokens ended")
        return Response({"ended": ended})


def _two_factor_refusal(user, code):
    """Why a token is not issued to `user` with this one-time `code`, or None. An account
    with two-factor sign-in gets a token only with the code its app shows (`otp`)."""
    if two_factor.is_on(user):
        if not code:
            return _("This account signs in with two-factor sign-in: send the code as otp.")
        try:
            two_factor.check_code(user, code)
        except ServiceError as error:
            return error.message
    elif two_factor.is_required(user):
        return _("Set up two-factor sign-in on your account page first.")
    return None


class SignOutEverywhereView(APIView):
    """POST /api/auth/sign-out-everywhere/: ends every session and API token of the caller,
    on every device, the one asking included."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.sign_out_everywhere(request.user)
        return Response(status=204)
