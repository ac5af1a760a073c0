"""The API of every working-record module, generated from its description:
/api/customers/{id}/{module}/ (the tab) and /api/{module}/ (everything I may read)."""

from django.urls import include, path
from rest_framework import generics, viewsets
from rest_framework.routers import SimpleRouter

from . import access, registry


class CustomerRecordViewSet(viewsets.ModelViewSet):
    module = None
    lookup_value_regex = r"\d+"
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
            self.request.user, serializer.instance, data
        )

    def perform_destroy(self, instance):
        self.module.service.delete(self.request.user, instance)


class ModuleListView(generics.ListAPIView):
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


def urlpatterns():
    tabs = SimpleRouter()
    lists = []
    for module in registry.modules():
        name = module.model.__name__
        tab_view = type(f"{name}TabViewSet", (CustomerRecordViewSet,), {"module": module})
        tabs.register(module.key, tab_view, basename=f"customer-{module.key}")
        list_view = type(f"{name}ListView", (ModuleListView,), {"module": module})
        lists.append(path(f"{module.key}/", list_view.as_view(), name=f"{module.key}-list"))
    return [path("customers/<int:customer_pk>/", include(tabs.urls)), *lists]
