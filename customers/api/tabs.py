"""Detail tabs under /api/customers/{id}/: contacts (with relations), shares, history.
Reading needs sight of the full record; changing needs ownership (the services check)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from .. import querysets
from ..filtersets import ContactFilterSet, ShareFilterSet
from ..forms.history import HistoryQueryForm, ordering_choices
from ..models import Contact, Customer, Share
from ..services import contacts, details, history, ownership
from . import serializers as s


class CustomerTabMixin:
    """Resolves the customer of the URL once, or answers 404 if the caller may not see it."""

    lookup_value_regex = r"\d+"

    @property
    def customer(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no request
            return Customer(pk=0)
        if not hasattr(self, "_customer"):
            self._customer = details.get_visible(self.request.user, self.kwargs["customer_pk"])
        return self._customer


class ContactViewSet(CustomerTabMixin, viewsets.ModelViewSet):
    """SPEC C4: the contacts tab; `search` and `ordering` as on the page."""

    serializer_class = s.ContactSerializer
    filterset_class = ContactFilterSet
    pagination_class = None
    http_method_names = ["get", "post", "patch", "delete"]

    def get_queryset(self):
        return self.customer.contacts.prefetch_related("relations__relation_type")

    def perform_create(self, serializer):
        serializer.instance = contacts.add(
            self.request.user, self.customer, dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = contacts.update(
            self.request.user, self.customer, serializer.instance, dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        contacts.delete(self.request.user, self.customer, [instance.pk])

    @extend_schema(request=s.IdsSerializer, responses=s.IdsSerializer)
    @action(detail=False, methods=["post"], url_path="delete")
    def delete_many(self, request, customer_pk=None):
        """Delete one or many contacts at once (SPEC C4)."""
        form = s.IdsSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        deleted = contacts.delete(request.user, self.customer, form.validated_data["ids"])
        return Response({"ids": deleted})


class RelationViewSet(CustomerTabMixin, viewsets.ModelViewSet):
    serializer_class = s.RelationSerializer
    pagination_class = None
    http_method_names = ["get", "post", "delete"]

    @property
    def contact(self):
        if getattr(self, "swagger_fake_view", False):
            return Contact(pk=0)
        return get_object_or_404(self.customer.contacts, pk=self.kwargs["contact_pk"])

    def get_queryset(self):
        return self.contact.relations.select_related("relation_type")

    def perform_create(self, serializer):
        serializer.instance = contacts.add_relation(
            self.request.user, self.customer, self.contact, dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        contacts.delete_relation(self.request.user, self.customer, instance)


class ShareViewSet(CustomerTabMixin, viewsets.GenericViewSet):
    """SPEC M5: the shares tab — list, add, remove (取消共享)."""

    serializer_class = s.ShareRowSerializer
    filterset_class = ShareFilterSet
    pagination_class = None

    def get_queryset(self):
        return Share.objects.filter(customer=self.customer).select_related(
            "user", "department", "shared_by"
        )

    def list(self, request, customer_pk=None):
        rows = self.filter_queryset(self.get_queryset())
        return Response(s.ShareRowSerializer(rows, many=True).data)

    @extend_schema(request=s.AddShareSerializer, responses=s.BatchResultSerializer)
    def create(self, request, customer_pk=None):
        form = s.AddShareSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        result = ownership.share(request.user, [self.customer.pk], **form.validated_data)
        return _tab_result(result)

    @extend_schema(responses=s.BatchResultSerializer)
    def destroy(self, request, customer_pk=None, pk=None):
        row = get_object_or_404(self.get_queryset(), pk=pk)
        result = ownership.unshare(request.user, [self.customer.pk], share_ids=[row.pk])
        return _tab_result(result)


def _tab_result(result):
    """A one-customer batch: refused means the caller may not change it."""
    if result.refused:
        return Response({"detail": result.refused[0]["reason"], **result.as_dict()}, status=403)
    return Response(result.as_dict(), status=status.HTTP_200_OK)


HISTORY_QUERY = extend_schema(
    parameters=[
        OpenApiParameter("search", str),
        OpenApiParameter("ordering", enum=[c for c, _label in ordering_choices()]),
    ],
    responses=s.HistoryEntrySerializer(many=True),
)


def _history_page(view, request, entries):
    """A page of `entries` as `search` and `ordering` select them (SPEC H1, L1, L3)."""
    query = HistoryQueryForm(request.query_params)
    if not query.is_valid():
        raise ValidationError(query.errors)
    page = view.paginate_queryset(query.select(entries))
    return view.get_paginated_response(s.HistoryEntrySerializer(page, many=True).data)


class HistoryViewSet(CustomerTabMixin, viewsets.GenericViewSet):
    """SPEC H1: ownership changes and field edits, newest first; `search` and `ordering`
    (at, action, actor, `-` for descending) as on the page."""

    serializer_class = s.HistoryEntrySerializer
    queryset = Customer.objects.none()

    @HISTORY_QUERY
    def list(self, request, customer_pk=None):
        return _history_page(self, request, history.customer_history(self.customer))


class PoolHistoryView(generics.GenericAPIView):
    """SPEC H1 for pool managers: who had any customer, in the pool or the recycle bin,
    when and why, and the edits of its public fields."""

    serializer_class = s.HistoryEntrySerializer
    queryset = Customer.objects.none()

    @HISTORY_QUERY
    def get(self, request, pk):
        if not request.user.is_pool_manager:
            raise PermissionDenied(_("Only pool managers may read the history of the pool."))
        customer = get_object_or_404(querysets.public_histories(request.user), pk=pk)
        return _history_page(self, request, history.public_history(customer))
