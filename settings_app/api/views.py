from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import AdministratorWrites

from ..models import DictionaryItem, DictionaryKind, SystemSettings
from .serializers import DictionaryItemSerializer, SystemSettingsSerializer


class SystemSettingsView(APIView):
    permission_classes = [AdministratorWrites]

    @extend_schema(responses=SystemSettingsSerializer)
    def get(self, request):
        return Response(SystemSettingsSerializer(SystemSettings.load()).data)

    @extend_schema(request=SystemSettingsSerializer, responses=SystemSettingsSerializer)
    def patch(self, request):
        form = SystemSettingsSerializer(SystemSettings.load(), data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        form.save()
        return Response(form.data)


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
        kind = self.kwargs["kind"]
        if kind not in DictionaryKind.values:
            raise NotFound(
                _("No dictionary named %(kind)s. Known: %(known)s.")
                % {"kind": kind, "known": ", ".join(DictionaryKind.values)}
            )
        return kind

    def get_queryset(self):
        return DictionaryItem.objects.filter(kind=self.kind).order_by("sort_order", "name")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "kind": self.kwargs.get("kind")}

    def perform_create(self, serializer):
        serializer.save(kind=self.kind)

    def destroy(self, request, *args, **kwargs):
        item = self.get_object()
        if item.is_in_use():
            return Response(
                {"detail": _("%s is in use; disable it instead of deleting it.") % item.name},
                status=status.HTTP_409_CONFLICT,
            )
        item.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
