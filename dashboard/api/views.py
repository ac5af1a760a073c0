from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import home


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    url = serializers.CharField(allow_null=True, help_text="The list page the figure counts.")


class SeriesSerializer(serializers.Serializer):
    name = serializers.CharField()
    values = serializers.ListField(child=serializers.DecimalField(max_digits=16, decimal_places=2))
    links = serializers.ListField(child=serializers.CharField(allow_null=True))


class ChartSerializer(serializers.Serializer):
    key = serializers.CharField(source="id")
    title = serializers.CharField()
    kind = serializers.CharField(source="data.kind")
    categories = serializers.ListField(child=serializers.CharField(), source="data.categories")
    series = SeriesSerializer(many=True, source="data.series")


class LinkSerializer(serializers.Serializer):
    label = serializers.CharField()
    url = serializers.CharField()


class NamedListSerializer(serializers.Serializer):
    title = serializers.CharField()
    items = LinkSerializer(many=True)


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    figures = FigureSerializer(many=True)
    charts = ChartSerializer(many=True)
    lists = serializers.SerializerMethodField()

    def get_lists(self, section) -> NamedListSerializer(many=True):
        return [
            {"title": title, "items": [{"label": label, "url": url} for label, url in items]}
            for title, items in section.lists
        ]


class DashboardSerializer(serializers.Serializer):
    sections = SectionSerializer(many=True)


class DashboardView(APIView):
    """The home page's figures as JSON (issue 18), scoped as the page is: each figure with
    the address of the list it counts."""

    @extend_schema(responses={200: DashboardSerializer})
    def get(self, request):
        return Response(DashboardSerializer({"sections": home.sections(request)}).data)
