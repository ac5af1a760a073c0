"""API tokens end with the password or the account that made them: a changed password or
a deactivated account leaves no token working (they once survived both)."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from knox.models import AuthToken

from .models import User


@receiver(pre_save, sender=User, dispatch_uid="org-token-before")
def _remember(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        instance._ends_tokens = False  # every sign-in saves last_login alone: no read
        return
    old = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    instance._ends_tokens = old is not None and (
        old["password"] != instance.password or (old["is_active"] and not instance.is_active)
    )


@receiver(post_save, sender=User, dispatch_uid="org-token-after")
def _end_tokens(sender, instance, created, **kwargs):
    if getattr(instance, "_ends_tokens", False):
        AuthToken.objects.filter(user=instance).delete()
