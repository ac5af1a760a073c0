from django.conf import settings
from django.db import models
from django.db.models import Q


class Share(models.Model):
    """Read access to one customer for one user or one whole department (SPEC M5)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="shares"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(department__isnull=True))
                | (Q(user__isnull=True) & Q(department__isnull=False)),
                name="share_user_xor_department",
            ),
            models.UniqueConstraint(
                fields=["customer", "user"],
                condition=Q(user__isnull=False),
                name="share_unique_user",
            ),
            models.UniqueConstraint(
                fields=["customer", "department"],
                condition=Q(department__isnull=False),
                name="share_unique_department",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "customer"], name="share_user_customer"),
            models.Index(fields=["department", "customer"], name="share_department_customer"),
        ]

    def __str__(self):
        return f"#{self.customer_id} → {self.target_label}"

    @property
    def target_label(self):
        return str(self.user) if self.user_id else str(self.department)
