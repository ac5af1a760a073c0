from django.db.models import Max
from django.utils.translation import gettext as _

from core.errors import ServiceError
from customers.services.details import set_last_contacted
from records import access
from records.services import RecordService

from .models import Interaction


class InteractionService(RecordService):
    """Owners and sharees add interaction records (SPEC case 4); each one moves the
    customer's last-contacted time. A sharee changes only the records they wrote."""

    model = Interaction
    write_rule = access.OWNER_OR_SHAREE

    def check(self, customer, data, instance=None):
        contact = data.get("contact")
        if contact is not None and contact.customer_id != customer.pk:
            raise ServiceError(_("That contact belongs to another customer."), field="contact")

    def after_save(self, record, created):
        self.refresh_last_contacted(record)

    def after_delete(self, record):
        self.refresh_last_contacted(record)

    def refresh_last_contacted(self, record):
        latest = Interaction.objects.filter(customer_id=record.customer_id).aggregate(
            latest=Max("happened_at")
        )["latest"]
        set_last_contacted(record.customer_id, latest)


interactions = InteractionService()
