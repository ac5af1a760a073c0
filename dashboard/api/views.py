from decimal import Decimal
from types import SimpleNamespace

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import home, reports

CENT = Decimal("0.01")


@extend_schema_field(
    {
        "oneOf": [{"type": "integer"}, {"type": "string", "format": "decimal"}],
        "nullable": True,
        "description": "A count as an integer; an amount or a percentage as a decimal "
        "string with two places, exact, as every amount in this API.",
    }
)
class NumberField(serializers.Field):
    """A count as a JSON integer, money and percentages as the API's decimal strings: a
    count given as "4.00" reads as money to whoever charts it."""

    def to_representation(self, value):
        if isinstance(value, Decimal):
            return str(value.quantize(CENT))
        return value


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    url = serializers.CharField(allow_null=True, help_text="The list page the figure counts.")
    note = serializers.CharField(
        allow_null=True, help_text="When the figure was counted, where not at this moment."
    )


class SeriesSerializer(serializers.Serializer):
    name = serializers.CharField()
    values = serializers.ListField(child=NumberField(allow_null=True))
    links = serializers.ListField(child=serializers.CharField(allow_null=True))


class ChartSerializer(serializers.Serializer):
    key = serializers.CharField(source="id")
    title = serializers.CharField()
    kind = serializers.CharField(source="data.kind")
    categories = serializers.ListField(child=serializers.CharField(), source="data.categories")
    series = SeriesSerializer(many=True, source="data.series")
    note = serializers.CharField(
        allow_null=True, help_text="When the chart was counted, where not at this moment."
    )


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


class ReportCellSerializer(serializers.Serializer):
    value = NumberField(
        allow_null=True, help_text="A count, an amount of money or a percentage, as `kind` says."
    )
    kind = serializers.ChoiceField(choices=[reports.COUNT, reports.MONEY, reports.PERCENT])
    url = serializers.CharField(allow_null=True, help_text="The list page the number counts.")


class ReportRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    total = serializers.BooleanField(help_text="A sum of the rows above.")
    cells = ReportCellSerializer(many=True)


class ReportChartSerializer(serializers.Serializer):
    kind = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField())
    series = SeriesSerializer(many=True)


class ReportSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=list(reports.REPORTS))
    title = serializers.CharField()
    note = serializers.CharField()
    heading = serializers.CharField(help_text="The heading of the rows' labels.")
    columns = serializers.ListField(
        child=serializers.CharField(), help_text="The headings of the cells of each row."
    )
    rows = ReportRowSerializer(many=True)
    chart = ReportChartSerializer()


class ScopeSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class ReportsSerializer(serializers.Serializer):
    period_from = serializers.DateField(source="start")
    period_to = serializers.DateField(source="end")
    scope = serializers.CharField()
    scopes = serializers.SerializerMethodField()
    reports = ReportSerializer(many=True)

    def get_scopes(self, choice) -> ScopeSerializer(many=True):
        return [{"value": value, "label": label} for value, label in choice.scopes]


class ReportsView(APIView):
    """The reports' figures as JSON (issue 18), as the reports page shows them: the sales
    funnel, contracts and payments per month, receivables ageing and activity per person
    per week, over the period and for the scope asked, each number with the address of
    the list it counts. A date that is not one, a period that ends before it starts or is
    longer than three years, or a scope the caller may not choose is a 400."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period_from",
                OpenApiTypes.DATE,
                description="First day; default: the first day of the month 11 months ago.",
            ),
            OpenApiParameter(
                "period_to", OpenApiTypes.DATE, description="Last day; default: today."
            ),
            OpenApiParameter(
                "scope",
                enum=[reports.MINE, reports.TEAM, reports.ALL],
                description="mine: customers I own; team (supervisors): mine and my "
                "subordinates'; all: every customer I may open. Default: team for a "
                "supervisor, otherwise mine.",
            ),
        ],
        responses={200: ReportsSerializer},
    )
    def get(self, request):
        choice = reports.choose(request.user, request.query_params)
        if choice.problems:
            errors = {}
            for problem in choice.problems:
                errors.setdefault(problem.name, []).append(problem.wrong)
            raise ValidationError(errors)
        built = reports.build(request, choice)
        data = {
            "start": choice.start,
            "end": choice.end,
            "scope": choice.scope,
            "scopes": choice.scopes,
            "reports": built,
        }
        return Response(ReportsSerializer(SimpleNamespace(**data)).data)
