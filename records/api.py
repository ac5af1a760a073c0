"""The API of every working-record module, generated from its description:
/api/customers/{id}/{module}/ (the tab) and /api/{module}/ (everything I may read).
The views have comments, not docstrings: the API documentation would show a docstring on
every module's operations."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, viewsets
from rest_framework.response import Response

from core.api.concurrency import VersionETag
from core.api.fields import row_id
from core.concurrency import if_match
from customers.api.serializers import BatchResultSerializer

from . import access, registry


class TickedSerializer(serializers.Serializer):
    ids = serializers.ListField(child=row_id(), allow_empty=False, max_length=1000)


class CustomerRecordViewSet(VersionETag, viewsets.ModelViewSet):
    # One customer's rows of one module (its tab); `module` is given to as_view().
    module = None
    http_method_names = ["get", "post", "patch", "delete"]

    @property
    def filterset_class(self):
        return self.module.filterset_class

    @property
    def customer(self):
        if not hasattr(self, "_customer"):
            self._customer = access.customer_to_read(self.request.user, self.kwargs["customer_pk"])
        return self._customer

    def get_serializer_class(self):
        return self.module.serializer_class

    def get_queryset(self):
        model = self.module.model
        if getattr(self, "swagger_fake_view", False):
            return model.objects.none()
        return self.module.rows(model.objects.filter(customer=self.customer))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = self.module.service.create(self.request.user, self.customer, data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = self.module.service.update(
            self.request.user, serializer.instance, data, version=if_match(self.request)
        )

    def perform_destroy(self, instance):
        self.module.service.delete(self.request.user, instance)

    # Delete several rows of the tab at once; each is kept with the reason where it may
    # not go (another customer's, not the person's to change, still referred to).
    @extend_schema(request=TickedSerializer, responses=BatchResultSerializer)
    def delete_many(self, request, customer_pk):
        form = TickedSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        result = self.module.service.delete_many(
            request.user, self.customer, form.validated_data["ids"]
        )
        return Response(result.as_dict())


class ModuleListView(generics.ListAPIView):
    # Every row of one module whose customer I may read; `module` is given to as_view().
    module = None

    @property
    def filterset_class(self):
        return self.module.filterset_class

    def get_serializer_class(self):
        return self.module.serializer_class

    def get_queryset(self):
        model = self.module.model
        if getattr(self, "swagger_fake_view", False):
            return model.objects.none()
        return self.module.rows(access.readable(self.request.user, model)).order_by("-id")


# The routes a router would make of a model viewset, without its PUT.
ROWS = {"get": "list", "post": "create"}
ROW = {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}


def urlpatterns():
    """Each module's routes, served by the views above with that module as their own."""
    patterns = []
    for module in registry.modules():
        key, basename = module.key, f"customer-{module.key}"
        tab = f"customers/<int:customer_pk>/{key}/"
        patterns += [
            path(
                tab,
                CustomerRecordViewSet.as_view(ROWS, module=module, basename=basename, detail=False),
                name=f"{basename}-list",
            ),
            path(
                f"{tab}<int:pk>/",
                CustomerRecordViewSet.as_view(ROW, module=module, basename=basename, detail=True),
                name=f"{basename}-detail",
            ),
            path(
                f"{tab}delete/",
                CustomerRecordViewSet.as_view(
                    {"post": "delete_many"}, module=module, basename=basename, detail=False
                ),
                name=f"{basename}-delete-many",
            ),
            path(f"{key}/", ModuleListView.as_view(module=module), name=f"{key}-list"),
        ]
    return patterns
