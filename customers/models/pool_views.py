from django.conf import settings
from django.db import models


class PoolCardView(models.Model):
    """A person opened a pool customer's card on a day (issue 17's view quota): counted
    once per customer and day, however often it is opened again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day", "customer"], name="pool_card_view_once")
        ]

    def __str__(self):
        return f"{self.user_id} {self.customer_id} {self.day}"
