"""Notifications (issue 17): written by the services whose changes people should know of,
in the same transaction as the change, so none tells of a change that did not happen.
The reader marks them read; nothing else changes them."""

import functools
import json
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import trail
from audit.models import Action
from core.errors import NotVisible
from core.ids import as_id

from .models import Notification

NAMES_SHOWN = 5  # the first few customers a notification names; the count says the rest


def notification(user_id, kind, *, names=(), count=None, url="", key="", **params):
    """An unsaved notification of `kind` for `user_id`, naming the first few of `names`.
    With a `key`, a person gets it once, however often it is sent (the warning of one due
    date)."""
    names = list(names)
    params = {
        **params,
        "names": names[:NAMES_SHOWN],
        "count": len(names) if count is None else count,
    }
    return Notification(user_id=user_id, kind=kind, params=params, url=url, key=key)


def notify(user_ids, kind, **details):
    """One notification of `kind` for each of `user_ids`, the same person once (details:
    as for `notification`)."""
    return notify_each(
        notification(user_id, kind, **details)
        for user_id in dict.fromkeys(user_ids)
        if user_id is not None
    )


def notify_each(rows):
    """Notifications made by the caller (Notification instances, not saved), at once; one
    whose person already has its key is left out."""
    rows = list(rows)
    Notification.objects.bulk_create(rows, ignore_conflicts=any(row.key for row in rows))
    if rows and settings.NOTIFICATION_EMAILS:
        from .tasks import email_notification

        # One job per message, for everyone it goes to.
        messages = defaultdict(list)
        for row in rows:
            message = (row.kind, json.dumps(row.params, sort_keys=True), row.url)
            messages[message].append(row.user_id)
        for (kind, params, url), user_ids in messages.items():
            transaction.on_commit(
                functools.partial(
                    email_notification.enqueue, user_ids, kind, json.loads(params), url
                )
            )
    return rows


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, notification_id):
    """One of the person's own notifications read (an id as given: a bad one is unknown);
    another's is as unknown as a missing one."""
    found = Notification.objects.filter(pk=as_id(notification_id) or 0, user=user)
    with transaction.atomic():
        notification = found.select_for_update().first()
        if notification is None:
            raise NotVisible(_("No such notification."))
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
            trail.record(user, Action.UPDATE, notification, changes={"read": [False, True]})
    return notification


def mark_all_read(user):
    """Every unread notification of the person read; returns how many."""
    with transaction.atomic():
        marked = Notification.objects.filter(user=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if marked:
            trail.record(
                user,
                Action.UPDATE,
                object_type="notifications.notification",
                label=_("all notifications"),
                changes={"read": [False, True], "count": marked},
            )
    return marked
