"""REST API for customers (DESIGN.md contract). Views parse, call one service, render."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from core.api.concurrency import VersionETag
from core.api.pagination import KeysetPagination
from core.api.permissions import AdministratorWrites
from core.concurrency import if_match
from core.counting import capped_total
from core.ids import as_id
from core.replica import ListReadsFromReplica
from org.models import Department
from settings_app.models import PoolRules

from .. import querysets
from ..filtersets import MineFilterSet, PoolFilterSet, SharedFilterSet, shared_total
from ..models import Customer, Pool
from ..querysets import with_deletion, with_list_relations, with_record_relations
from ..services import details, ownership, pool_rules, pool_views, pools
from ..sorting import DELETED_SORT, MINE_SORTS, PUBLIC_SORTS, RECORD_SORTS, sort_for
from . import serializers as s


class KeptFilterBackend(DjangoFilterBackend):
    """django-filter's backend, which keeps the FilterSet on the view (`view.filterset`):
    the total counts `filterset.counted()`, the same rows as the quick search gives them
    for counting (customers.search)."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset


class CustomerListMixin(ListReadsFromReplica):
    """A customer list: paged by keyset in the order `ordering` asks for (customers.sorting),
    its rows with `relations` joined."""

    pagination_class = KeysetPagination
    filter_backends = [KeptFilterBackend]
    filterset = None
    sorts = RECORD_SORTS
    relations = staticmethod(with_record_relations)

    def get_sort(self):
        # The first name of the list, as the filterset orders by (CustomerOrdering): the
        # whole of "name,-status" or "," named no order and was a 500.
        ordering = self.request.query_params.get("ordering", "").split(",")[0]
        return sort_for(ordering, self.sorts)

    def load_page(self, ids):
        return self.relations(Customer.objects.filter(pk__in=ids))

    def counted(self, rows):
        """The rows of the list `rows` as its total reads them."""
        return rows if self.filterset is None else self.filterset.counted()

    def total(self, rows):
        return capped_total(self.counted(rows))


class PoolView(CustomerListMixin, generics.ListCreateAPIView):
    """SPEC P1, P2: every customer of the pools I see, public fields only; create
    unclaimed or `claim: true`."""

    filterset_class = PoolFilterSet
    sorts = PUBLIC_SORTS
    relations = staticmethod(with_list_relations)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Customer.objects.none()
        return querysets.pool(self.request.user)

    def get_serializer_class(self):
        return (
            s.NewCustomerSerializer if self.request.method == "POST" else s.PoolCustomerSerializer
        )

    # A customer created unclaimed is shown as the pool shows it, a claimed one in full.
    @extend_schema(
        request=s.NewCustomerSerializer,
        responses={
            201: PolymorphicProxySerializer(
                component_name="NewPoolCustomer",
                serializers=[s.PoolCustomerSerializer, s.CustomerSerializer],
                resource_type_field_name=None,
            )
        },
    )
    def post(self, request):
        form = s.NewCustomerSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        claim = data.pop("claim", False)
        customer = ownership.create(request.user, data, claim=claim)
        shown = s.CustomerSerializer if claim else s.PoolCustomerSerializer
        return Response(shown(customer).data, status=status.HTTP_201_CREATED)


class PoolDetailView(generics.RetrieveAPIView):
    """SPEC P7: one customer's public fields. P8: PATCH corrects an unclaimed customer's
    public fields (pool managers, and its creator)."""

    serializer_class = s.PoolCustomerSerializer

    def get_queryset(self):
        return with_list_relations(querysets.pool(self.request.user))

    def retrieve(self, request, *args, **kwargs):
        customer = self.get_object()
        readable = querysets.visible(request.user).filter(pk=customer.pk).exists()
        pool_views.count_view(request.user, customer, readable)
        return Response(self.get_serializer(customer).data)

    @extend_schema(request=s.PoolEditSerializer, responses=s.PoolCustomerSerializer)
    def patch(self, request, pk):
        customer = self.get_object()
        form = s.PoolEditSerializer(customer, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        details.update_in_pool(request.user, customer, dict(form.validated_data))
        return Response(s.PoolCustomerSerializer(self.get_object()).data)


class MineView(CustomerListMixin, generics.ListCreateAPIView):
    """SPEC M1, M2: customers I own, full fields; a new one is mine."""

    filterset_class = MineFilterSet
    sorts = MINE_SORTS
    serializer_class = s.CustomerSerializer

    def get_queryset(self):
        return querysets.mine(self.request.user)

    def post(self, request):
        form = s.CustomerSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        customer = ownership.create(request.user, dict(form.validated_data), claim=True)
        return Response(s.CustomerSerializer(customer).data, status=status.HTTP_201_CREATED)


@extend_schema(
    parameters=[
        OpenApiParameter("scope", enum=list(querysets.SCOPES), default=querysets.SCOPE_ALL),
        OpenApiParameter("shared_by", int, description="only what this user shared with me"),
    ]
)
class SharedView(CustomerListMixin, generics.ListAPIView):
    """SPEC S1, S2, S4."""

    filterset_class = SharedFilterSet
    serializer_class = s.SharedCustomerSerializer

    def load_page(self, ids):
        return querysets.mark_readable(self.request.user, super().load_page(ids))

    def total(self, rows):
        params = self.request.query_params
        return shared_total(self.counted(rows), params, self.request.user, *self.scope_asked())

    def scope_asked(self):
        """(scope, shared_by) the query string asks for; a 400 for a bad one."""
        params = self.request.query_params
        scope = params.get("scope", querysets.SCOPE_ALL)
        if scope not in querysets.SCOPES:
            raise ValidationError({"scope": [_("Scope must be 'all' or 'subordinates'.")]})
        shared_by = params.get("shared_by")
        if shared_by is not None and as_id(shared_by) is None:
            raise ValidationError({"shared_by": [_("shared_by must be a user id.")]})
        return scope, as_id(shared_by) if shared_by is not None else None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Customer.objects.none()
        return querysets.shared(self.request.user, *self.scope_asked())


class RecycleBinView(CustomerListMixin, generics.ListAPIView):
    """SPEC P3: deleted customers, most recently deleted first, for pool managers only:
    public fields, and when and by whom each was deleted. Restore: POST
    /api/customers/restore/."""

    filterset_class = PoolFilterSet
    serializer_class = s.BinCustomerSerializer
    relations = staticmethod(with_deletion)

    def get_sort(self):
        return DELETED_SORT

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Customer.objects.none()
        if not self.request.user.is_pool_manager:
            raise PermissionDenied(_("Only pool managers may open the recycle bin."))
        return querysets.recycle_bin(self.request.user)


def _batch(request, form_class, service):
    form = form_class(data=request.data, context={"request": request})
    form.is_valid(raise_exception=True)
    data = dict(form.validated_data)
    result = service(request.user, data.pop("ids"), **data)
    return Response(result.as_dict())


BATCH_DOC = {"responses": s.BatchResultSerializer}


class CustomerViewSet(VersionETag, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The full record of a customer I may see, and the batch ownership actions."""

    serializer_class = s.CustomerSerializer
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Customer.objects.none()
        return with_record_relations(querysets.visible(self.request.user))

    def get_object(self):
        return details.get_visible(self.request.user, self.kwargs["pk"], self.get_queryset())

    def partial_update(self, request, pk=None):
        customer = self.get_object()
        form = s.CustomerSerializer(customer, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        details.update(request.user, customer, dict(form.validated_data), if_match(request))
        return Response(s.CustomerSerializer(self.get_object()).data)

    # One short list, never paged: without pagination_class the schema called it a page.
    @extend_schema(
        parameters=[OpenApiParameter("name", str, required=True)],
        responses=s.PoolCustomerSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def duplicates(self, request):
        """SPEC C3: public fields of customers whose name contains the keyword."""
        keyword = request.query_params.get("name", "").strip()
        if not keyword:
            raise ValidationError({"name": [_("Type part of a name to search for.")]})
        if len(keyword) > 200:
            raise ValidationError({"name": [_("A name has at most 200 characters.")]})
        rows = PoolFilterSet().name_contains(querysets.pool(request.user), "name", keyword)
        rows = with_list_relations(rows).order_by("sort_name", "id")[:50]
        return Response(s.PoolCustomerSerializer(rows, many=True).data)

    @extend_schema(request=s.BatchSerializer, **BATCH_DOC)
    @action(detail=False, methods=["post"])
    def claim(self, request):
        return _batch(request, s.BatchSerializer, ownership.claim)

    @extend_schema(request=s.ReturnSerializer, **BATCH_DOC)
    @action(detail=False, methods=["post"], url_path="return")
    def return_to_pool(self, request):
        return _batch(request, s.ReturnSerializer, ownership.return_to_pool)

    @extend_schema(request=s.BatchSerializer, **BATCH_DOC)
    @action(detail=False, methods=["post"])
    def reclaim(self, request):
        return _batch(request, s.BatchSerializer, ownership.reclaim)

    @extend_schema(request=s.AssignSerializer, **BATCH_DOC)
    @action(detail=False, methods=["post"])
    def assign(self, request):
        return _batch(request, s.AssignSerializer, ownership.assign)

    @extend_schema(request=s.ShareSerializer, **BATCH_DOC)
    @action(detail=False, methods=["post"])
    def share(self, request):
        return _batch(request, s.ShareSerializer, ownership.share)

    @extend_schema(request=s.ShareSerializer, **BATCH_DOC)
    @action(detail=False, methods=["post"])
    def unshare(self, request):
        return _batch(request, s.ShareSerializer, ownership.unshare)

    # Not named `delete`: DRF would answer the HTTP DELETE of every customer URL with it.
    @extend_schema(request=s.BatchSerializer, **BATCH_DOC)
    @action(detail=False, methods=["post"], url_path="delete", url_name="delete")
    def delete_customers(self, request):
        return _batch(request, s.BatchSerializer, ownership.delete)

    @extend_schema(request=s.BatchSerializer, **BATCH_DOC)
    @action(detail=False, methods=["post"])
    def restore(self, request):
        return _batch(request, s.BatchSerializer, ownership.restore)

    @extend_schema(request=s.BatchSerializer, **BATCH_DOC)
    @action(detail=False, methods=["post"])
    def lock(self, request):
        """Issue 17: a locked customer never returns to the pool by itself (the owner's
        supervisors and pool managers)."""
        return _batch(request, s.BatchSerializer, ownership.lock)

    @extend_schema(request=s.BatchSerializer, **BATCH_DOC)
    @action(detail=False, methods=["post"])
    def unlock(self, request):
        return _batch(request, s.BatchSerializer, ownership.unlock)

    @extend_schema(request=s.MoveToPoolSerializer, **BATCH_DOC)
    @action(detail=False, methods=["post"], url_path="move-to-pool", url_name="move-to-pool")
    def move_to_pool(self, request):
        """Issue 17: customers put in another pool (`pool` null: the company pool),
        claimed or not; their owners keep them. For the managers of both pools (the
        company's pool managers manage every pool)."""
        return _batch(request, s.MoveToPoolSerializer, ownership.move_to_pool)


class HandOverView(generics.GenericAPIView):
    """Issue 17: all of a person's customers in one step, to one person, spread evenly
    over several, or back to the pool (`to` empty), optionally deactivating them
    (administrators). Administrators, pool managers and the person's supervisors."""

    serializer_class = s.HandOverSerializer

    @extend_schema(responses=s.HandOverResultSerializer)
    def post(self, request):
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        result = ownership.hand_over(
            request.user,
            data["person"],
            data["to_users"],
            data["reason"],
            deactivate=data["deactivate"],
        )
        return Response({**result.as_dict(), "deactivated": data["deactivate"]})


class PoolRulesView(generics.GenericAPIView):
    """Issue 17: the pool rules. Everyone signed in may read them; administrators change
    them, which re-dates every claimed customer at once."""

    serializer_class = s.PoolRulesSerializer

    def get(self, request):
        return Response(self.get_serializer(PoolRules.load()).data)

    def patch(self, request):
        if not request.user.is_administrator:  # before reading the body: no hints to others
            raise PermissionDenied(_("Only administrators may change the pool rules."))
        form = self.get_serializer(PoolRules.load(), data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        values = dict(form.validated_data)
        rows = values.pop("categories", None)
        categories = None
        if rows is not None:
            categories = {
                row["category"]: {f: row.get(f) for f in pool_rules.CATEGORY_FIELDS} for row in rows
            }
        saved = pool_rules.save_pool_rules(request.user, values, categories)
        return Response(self.get_serializer(saved).data)


class AdministratorsChangePools(AdministratorWrites):
    message = gettext_lazy("Only administrators may add, change or delete pools.")


class PoolViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Issue 17: the pools besides the company pool. Everyone signed in lists those they
    see (as members, through a member department, or as managers; the company's pool
    managers and administrators see every one); another pool is a 404. Administrators add,
    change (PATCH) and delete them; anyone else is refused before the body is read.
    DELETE moves the pool's customers to the company pool and answers 200 with how many
    (`{"moved": n}`), as the API's deletes that have something to report do."""

    serializer_class = s.PoolSerializer
    permission_classes = [AdministratorsChangePools]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Pool.objects.none()
        ids_only = [
            Prefetch(field, queryset=model.objects.only("pk"))
            for field, model in (
                ("members", get_user_model()),
                ("departments", Department),
                ("managers", get_user_model()),
            )
        ]
        return querysets.with_counts(querysets.pools(self.request.user)).prefetch_related(*ids_only)

    def _answer(self, pool, status_code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=pool.pk)).data, status_code)

    def _save(self, pool, data):
        values = {field: data[field] for field in pools.POOL_FIELDS if field in data}
        people = {field: data[field] for field in pools.PEOPLE_FIELDS if field in data}
        return pools.save_pool(self.request.user, pool, values, people)

    def create(self, request):
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self._answer(self._save(None, form.validated_data), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        pool = self.get_object()
        form = self.get_serializer(pool, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        return self._answer(self._save(pool, form.validated_data))

    @extend_schema(responses=s.PoolDeletedSerializer)
    def destroy(self, request, pk=None):
        return Response({"moved": pools.delete_pool(request.user, self.get_object())})
