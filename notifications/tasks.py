"""Notification emails (issue 17), where the installation sends them
(POOLCRM_NOTIFICATION_EMAILS=1 and an SMTP server: README, Production)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import translation
from django_tasks import task

from .models import Notification


@task()
def email_notification(user_ids, kind, params, url):
    """The notification, by email, to each of `user_ids` who has an address."""
    with translation.override(settings.LANGUAGE_CODE):
        text = Notification(kind=kind, params=params).text
    people = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    link = f"{settings.SITE_URL}{url}" if url else settings.SITE_URL
    return sum(
        send_mail(f"poolcrm: {text}"[:150], f"{text}\n\n{link}", None, [person.email])
        for person in people
    )
