"""GET /api/notifications/, POST /api/notifications/{id}/read/ and …/read-all/ (issue 17):
the caller's own notifications, newest first."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.pagination import KeysetPagination
from core.keyset import Sort

from .. import services
from ..models import Notification

NEWEST_FIRST = Sort(("created_at", "id"), descending=True)


class NotificationSerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "params", "url", "created_at", "read_at"]
        read_only_fields = fields


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    pagination_class = KeysetPagination
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Notification.objects.none()
        return Notification.objects.filter(user=self.request.user)

    def get_sort(self):
        return NEWEST_FIRST

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.mark_read(request.user, pk)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("ReadAll", {"marked_read": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked_read": services.mark_all_read(request.user)})
