"""What the trail learns from Django's own signals: sign-ins, sign-outs and failed
sign-ins on every way in, and changes to the settings, the pool rules, the data dictionary,
departments and people, which administrators also make in Django admin."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from . import trail
from .models import Action

# A person's columns that are not theirs to trace: the hash, and what every sign-in sets.
USER_UNTRACED = {"id", "password", "last_login", "date_joined"}


def _traced_models():
    from org.models import Department
    from settings_app.models import CategoryReturnRule, DictionaryItem, PoolRules, SystemSettings

    return (
        SystemSettings,
        PoolRules,
        CategoryReturnRule,
        DictionaryItem,
        Department,
        get_user_model(),
    )


def _untraced(sender):
    return USER_UNTRACED if sender is get_user_model() else {"id"}


def _before(sender, instance, update_fields=None, **kwargs):
    # A save of untraced columns only (every sign-in's last_login) changes nothing traced:
    # no read of the old row.
    instance._audit_skip = update_fields is not None and set(update_fields) <= _untraced(sender)
    if instance._audit_skip:
        return
    old = sender.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance._audit_before = trail.snapshot(old, _untraced(sender)) if old else None
    instance._audit_password_changed = old is not None and getattr(
        old, "password", None
    ) != getattr(instance, "password", None)


def _actor(instance):
    """Who made the change: the person a service names (`instance._audit_actor`, for a
    change made outside a request), else whoever is signed in."""
    return getattr(instance, "_audit_actor", None)


def _after(sender, instance, created, **kwargs):
    if getattr(instance, "_audit_skip", False):
        return
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        trail.created(_actor(instance), instance, untraced=_untraced(sender))
        return
    changes = trail.changes_between(before, trail.snapshot(instance, _untraced(sender)))
    if getattr(instance, "_audit_password_changed", False):
        changes["password"] = [None, "changed"]  # never the hash
    if changes:
        trail.record(_actor(instance), Action.UPDATE, instance, changes=changes)


def _gone(sender, instance, **kwargs):
    trail.record(
        None,
        Action.DELETE,
        instance,
        changes={k: [v, None] for k, v in trail.snapshot(instance, _untraced(sender)).items()},
    )


def connect():
    """Called once the models are loaded (AuditConfig.ready): only the traced models'
    saves reach these receivers, not every save in the app."""
    for model in _traced_models():
        uid = f"audit-{model._meta.label_lower}"
        pre_save.connect(_before, sender=model, dispatch_uid=f"{uid}-before")
        post_save.connect(_after, sender=model, dispatch_uid=f"{uid}-after")
        post_delete.connect(_gone, sender=model, dispatch_uid=f"{uid}-gone")


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="audit-roles")
def _roles(sender, instance, action, pk_set, model, **kwargs):
    """A role given or taken (the pool managers group)."""
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    names = sorted(model.objects.filter(pk__in=pk_set).values_list("name", flat=True))
    if isinstance(instance, get_user_model()):
        people = [instance]
    else:  # people added to a group from the group's side
        people = list(get_user_model().objects.filter(pk__in=pk_set))
        names = [instance.name]
    for person in people:
        change = [None, ", ".join(names)] if action == "post_add" else [", ".join(names), None]
        trail.record(_actor(person), Action.UPDATE, person, changes={"roles": change})


@receiver(user_logged_in, dispatch_uid="audit-login")
def _login(sender, request, user, **kwargs):
    trail.record(user, Action.LOGIN, user)


@receiver(user_logged_out, dispatch_uid="audit-logout")
def _logout(sender, request, user, **kwargs):
    if user is not None:
        trail.record(user, Action.LOGOUT, user)


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    trail.record(
        None, Action.LOGIN_FAILED, object_type="org.user", label=username, username=username
    )
