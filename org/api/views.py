from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import AdministratorWrites

from .. import services
from ..models import Department, User
from .serializers import DepartmentSerializer, MeSerializer, UserAnswerSerializer, UserSerializer


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


@extend_schema_view(
    list=extend_schema(responses=UserAnswerSerializer(many=True)),
    retrieve=extend_schema(responses=UserAnswerSerializer),
    create=extend_schema(responses={201: UserAnswerSerializer}),
    partial_update=extend_schema(responses=UserAnswerSerializer),
)
class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = UserSerializer
    permission_classes = [AdministratorWrites]
    http_method_names = ["get", "post", "patch"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return User.objects.with_roles().select_related("department").order_by("username")

    def perform_create(self, serializer):
        serializer.instance = services.save_user(serializer.validated_data, actor=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.save_user(
            serializer.validated_data, serializer.instance, actor=self.request.user
        )


class DepartmentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = DepartmentSerializer
    permission_classes = [AdministratorWrites]
    queryset = Department.objects.order_by("name")

    def perform_create(self, serializer):
        serializer.instance = services.save_department(
            serializer.validated_data["name"], actor=self.request.user
        )
