from decimal import Decimal

from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api.fields import ItemName
from customers.api.serializers import DictionaryRef
from records.serializers import RecordSerializer

from .models import Contract, Expense, Opportunity, Payment, Quote, QuoteLine, Receivable
from .services import MAX_QUOTE_LINES

POSITIVE = {"min_value": Decimal("0.01")}


class OpportunitySerializer(RecordSerializer):
    stage = DictionaryRef("opportunity_stage")
    # A method, not source="stage.label": DRF leaves a dotted source out of a PATCH's answer
    # when a link of it is None (partial), and the schema says it is always there.
    stage_name = serializers.SerializerMethodField()

    def get_stage_name(self, opportunity) -> str | None:
        return str(opportunity.stage) if opportunity.stage_id else None

    class Meta(RecordSerializer.Meta):
        model = Opportunity
        fields = [
            "id",
            "customer",
            "customer_name",
            "name",
            "stage",
            "stage_name",
            "expected_amount",
            "expected_close",
            "probability",
            "status",
            "created_at",
        ]


class QuoteLineSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = QuoteLine
        fields = ["product", "quantity", "unit_price", "discount", "amount"]


class QuoteSerializer(RecordSerializer):
    lines = QuoteLineSerializer(many=True, max_length=MAX_QUOTE_LINES)

    class Meta(RecordSerializer.Meta):
        model = Quote
        fields = [
            "id",
            "customer",
            "customer_name",
            "number",
            "date",
            "valid_until",
            "status",
            "opportunity",
            "notes",
            "total",
            "lines",
            "created_at",
        ]
        read_only_fields = ["customer", "number", "total"]

    def validate_lines(self, value):
        if not value:
            raise serializers.ValidationError(_("A quote needs at least one line."))
        return value


class ContractSerializer(RecordSerializer):
    received = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta(RecordSerializer.Meta):
        model = Contract
        fields = [
            "id",
            "customer",
            "customer_name",
            "number",
            "title",
            "amount",
            "signed_on",
            "starts_on",
            "ends_on",
            "status",
            "quote",
            "opportunity",
            "received",
            "outstanding",
            "created_at",
        ]
        read_only_fields = ["customer", "number"]


class ContractMoneySerializer(RecordSerializer):
    """Receivables and payments: a positive amount against one of the customer's contracts."""

    amount = serializers.DecimalField(max_digits=14, decimal_places=2, **POSITIVE)
    contract_number = serializers.CharField(source="contract.number", read_only=True)


class ReceivableSerializer(ContractMoneySerializer):
    class Meta(RecordSerializer.Meta):
        model = Receivable
        fields = [
            "id",
            "customer",
            "customer_name",
            "contract",
            "contract_number",
            "due_on",
            "amount",
            "notes",
            "created_at",
        ]


class PaymentSerializer(ContractMoneySerializer):
    class Meta(RecordSerializer.Meta):
        model = Payment
        fields = [
            "id",
            "customer",
            "customer_name",
            "contract",
            "contract_number",
            "received_on",
            "amount",
            "method",
            "notes",
            "created_at",
        ]


class ExpenseSerializer(RecordSerializer):
    type = DictionaryRef("expense_type")
    type_name = ItemName("type")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, **POSITIVE)

    class Meta(RecordSerializer.Meta):
        model = Expense
        fields = [
            "id",
            "customer",
            "customer_name",
            "spent_on",
            "type",
            "type_name",
            "amount",
            "payee",
            "notes",
            "created_at",
        ]
