from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import trail
from core.api.permissions import AdministratorWrites

from .. import services
from ..models import DictionaryItem, DictionaryKind, SystemSettings
from .serializers import DictionaryItemSerializer, SystemSettingsSerializer


class SystemSettingsView(APIView):
    permission_classes = [AdministratorWrites]

    @extend_schema(responses=SystemSettingsSerializer)
    def get(self, request):
        return Response(SystemSettingsSerializer(SystemSettings.load()).data)

    @extend_schema(request=SystemSettingsSerializer, responses=SystemSettingsSerializer)
    def patch(self, request):
        form = SystemSettingsSerializer(SystemSettings.read(), data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        saved = services.save_settings(request.user, form.validated_data)
        return Response(SystemSettingsSerializer(saved).data)


class DictionaryViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """SPEC O4: items of one kind; rename, reorder, disable; delete only while unused."""

    serializer_class = DictionaryItemSerializer
    permission_classes = [AdministratorWrites]
    pagination_class = None
    http_method_names = ["get", "post", "patch", "delete"]
    lookup_value_regex = r"\d+"

    @property
    def kind(self):
        if getattr(self, "swagger_fake_view", False):
            return DictionaryKind.CATEGORY
        return services.kind_named(self.kwargs["kind"])

    def get_queryset(self):
        return DictionaryItem.objects.filter(kind=self.kind).order_by("sort_order", "name", "id")

    def perform_create(self, serializer):
        serializer.instance = services.add_item(
            self.request.user, self.kind, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.change_item(
            self.request.user, serializer.instance, **serializer.validated_data
        )

    def destroy(self, request, *args, **kwargs):
        try:
            services.delete_item(request.user, self.get_object())
        except services.InUse as refused:
            trail.refused(request, refused.message, status.HTTP_409_CONFLICT)
            return Response({"detail": refused.message}, status=status.HTTP_409_CONFLICT)
        return Response(status=status.HTTP_204_NO_CONTENT)
