"""The API of every working-record module, generated from its description:
/api/customers/{id}/{module}/ (the tab) and /api/{module}/ (everything I may read).
The views have comments, not docstrings: the API documentation would show a docstring on
every module's operations."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, views, viewsets
from rest_framework.response import Response

from core.api.concurrency import VersionETag
from core.api.fields import row_id
from core.concurrency import if_match
from core.replica import ListReadsFromReplica
from customers.api.serializers import BatchResultSerializer

from . import access, recycle_bin, registry


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

    # ?with_dependents=true also deletes the rows that cannot be without this one (a
    # contract's receivables and payments); without it such a deletion is refused.
    @extend_schema(parameters=[OpenApiParameter("with_dependents", bool)])
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        with_dependents = self.request.query_params.get("with_dependents") in ("true", "1")
        self.module.service.delete(self.request.user, instance, with_dependents=with_dependents)

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


class DeletedRecordSerializer(serializers.Serializer):
    module = serializers.CharField(source="module.key")
    id = serializers.IntegerField(source="record.pk")
    label = serializers.CharField()
    deleted_at = serializers.DateTimeField()
    deleted_by = serializers.CharField(allow_null=True)
    may_restore = serializers.BooleanField()


class RecycleBinView(generics.GenericAPIView):
    # A customer's deleted working records, newest first. Pool managers also list those of
    # a customer nobody owns, by kind and number only.
    serializer_class = DeletedRecordSerializer

    @extend_schema(responses=DeletedRecordSerializer(many=True), filters=False)
    def get(self, request, customer_pk):
        customer, readable = access.customer_for_bin(request.user, customer_pk)
        page = self.paginate_queryset(recycle_bin.deleted_records(request.user, customer, readable))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class RestoredSerializer(serializers.Serializer):
    module = serializers.CharField()
    id = serializers.IntegerField()


class RecordRestoreView(views.APIView):
    # Bring a deleted row back from the customer's recycle bin, with the rows deleted
    # together with it; `module` is given to as_view().
    module = None

    @extend_schema(request=None, responses=RestoredSerializer)
    def post(self, request, customer_pk, pk):
        customer, _readable = access.customer_for_bin(request.user, customer_pk)
        record = get_object_or_404(self.module.model.everything, pk=pk, customer=customer)
        self.module.service.restore(request.user, record)
        return Response({"module": self.module.key, "id": record.pk})


class ModuleListView(ListReadsFromReplica, generics.ListAPIView):
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
            path(
                f"{tab}<int:pk>/restore/",
                RecordRestoreView.as_view(module=module),
                name=f"{basename}-restore",
            ),
            path(f"{key}/", ModuleListView.as_view(module=module), name=f"{key}-list"),
        ]
    return [
        path(
            "customers/<int:customer_pk>/recycle-bin/",
            RecycleBinView.as_view(),
            name="customer-recycle-bin",
        ),
        *patterns,
    ]
