"""Writes with rules for the organisation side: tokens, API keys."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import DateTimeField, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from crm.api.auth import LoginThrottle, hash_secret
from crm.exceptions import EntityNotFound, InvalidParameter, InvalidToken
from crm.models import ApiKey, ApiToken, Unit, User


def new_secret() -> str:
    """32 upper-case hex characters (128 random bits), the shape of a CRM.COM token."""
    return secrets.token_hex(16).upper()


def _unit_for(user: User, unit_value: str | None, *, fallback: Unit | None = None) -> Unit | None:
    if unit_value is None:
        return fallback or user.default_unit
    unit = (
        Unit.objects.filter(Q(id=unit_value) | Q(name=unit_value))
        .filter(Q(users=user) | Q(pk=user.default_unit_id))
        .distinct()
        .first()
    )
    if unit is None:
        raise EntityNotFound(
            "The unit is not one of this user's units.",
            param="unit",
            detail=f"no unit {unit_value!r} for this user",
        )
    return unit


def token_issue(
    *, user: User, unit: Unit | None, source: str, api_key: ApiKey | None = None
) -> str:
    """Create a token for ``user``; returns the token itself, which is not stored."""
    raw = new_secret()
    now = timezone.now()
    ApiToken.objects.create(
        token_hash=hash_secret(raw),
        user=user,
        unit=unit,
        source=source,
        api_key=api_key,
        created_at=now,
        expires_at=now + settings.CRM_TOKEN_LIFETIME,
    )
    return raw


def token_login(
    *, username: str, password: str, organisation: str, unit: str | None, address: str
) -> str:
    """``authentication/token``: a token for a user name and password, throttled."""

    def check() -> User | None:
        if organisation != settings.CRM_ORGANISATION:
            return None
        return authenticate(username=username, password=password)

    user = LoginThrottle(username, address).guarded(check)
    if user is None:
        raise InvalidToken(
            "The user name, password or organisation is wrong.",
            param="username",
            detail="login failed",
        )
    return token_issue(user=user, unit=_unit_for(user, unit), source=ApiToken.Source.LOGIN)


def token_release(*, token: ApiToken) -> None:
    """``authentication/token/release``: the token stops working at once."""
    ApiToken.objects.filter(pk=token.pk, released_at__isnull=True).update(
        released_at=timezone.now()
    )


def token_for_api_key(*, key: str | None, unit: str | None, address: str) -> str:
    """``authentication/web_api_key/token``: a token for an active Web API key."""

    def check() -> ApiKey | None:
        if not key:
            return None
        return (
            ApiKey.objects.select_related("user", "unit")
            .filter(key_hash=hash_secret(key), is_active=True, user__is_active=True)
            .first()
        )

    api_key = LoginThrottle(f"api-key:{address}", address).guarded(check)
    if api_key is None:
        raise InvalidToken(
            "The Web API key is unknown or inactive.",
            param="key",
            detail="pass an active key as the HTTP Basic user name",
        )
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
    return token_issue(
        user=api_key.user,
        unit=_unit_for(api_key.user, unit, fallback=api_key.unit),
        source=ApiToken.Source.API_KEY,
        api_key=api_key,
    )


@transaction.atomic
def api_key_create(*, name: str, user: User, unit: Unit | None = None) -> tuple[ApiKey, str]:
    """Create a Web API key; returns it with the key itself, shown only this once."""
    raw = new_secret()
    api_key = ApiKey.objects.create(
        name=name, user=user, unit=unit, prefix=raw[:8], key_hash=hash_secret(raw)
    )
    return api_key, raw


def notification_send_emails(*, notification_ids: list[str]) -> int:
    """Mail each notification once: claim it (emailed_at), then send; a failed send gives
    the claim back so a retry sends it. A crash between claim and send loses that mail
    rather than ever sending it twice. A notification whose user may no longer see its
    record (reclassified, or the user left the group since) is not mailed at all."""
    from django.core.mail import send_mail

    from crm.models import Notification

    sent = 0
    pending = Notification.objects.select_related("user", "service_request", "job").filter(
        pk__in=notification_ids, emailed_at__isnull=True, user__is_active=True
    )
    for notification in pending:
        if not notification.user.email or not notification_visible(notification):
            continue
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            continue  # another worker has it
        try:
            send_mail(
                subject=notification.message,
                message=notification.message,
                from_email=None,
                recipient_list=[notification.user.email],
            )
        except Exception:
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent


def notification_visible(notification) -> bool:
    """Whether the notification's user may see its record now."""
    from crm.access import access_for, can_see

    access = access_for(notification.user)
    return all(
        can_see(access, record)
        for record in (notification.service_request, notification.job)
        if record is not None
    )


def notification_mark_read(*, user: User, notification_ids: list[str] | None = None) -> int:
    """Mark some (or all) of the user's unread notifications as read."""
    from crm.models import Notification

    unread = Notification.objects.visible_to(user).filter(read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


def notification_mark_read_for(*, user: User, record) -> int:
    """Mark the user's unread notifications about ``record`` (a request or job) read: the
    detail page calls this on opening, which is what reading them means. One UPDATE."""
    from crm.models import Notification

    return Notification.objects.filter(
        user=user, read_at__isnull=True, **{f"{record.RECORD_KEY}_id": record.pk}
    ).update(read_at=timezone.now())


def notification_resolve_deadlines(*, record, now=None) -> int:
    """The record closed: its approaching / overdue notices ask for nothing any more, for
    everyone. Called by the closing transition, in its transaction; one UPDATE."""
    from crm.models import Notification

    now = now or timezone.now()
    kinds = (Notification.Kind.APPROACHING, Notification.Kind.OVERDUE)
    return Notification.objects.filter(
        resolved_at__isnull=True, kind__in=kinds, **{f"{record.RECORD_KEY}_id": record.pk}
    ).update(resolved_at=now, read_at=Coalesce("read_at", Value(now, output_field=DateTimeField())))


@transaction.atomic
def notification_preferences_save(*, user: User, channels: dict[str, str]) -> list[tuple]:
    """Store the user's channel for each kind in ``channels`` (kinds left out keep theirs);
    returns what changed as (kind, old, new). Only changes write a row, so a kind never
    chosen follows its default."""
    from crm.models import DEFAULT_CHANNELS, Notification, NotificationPreference

    current = dict(
        NotificationPreference.objects.select_for_update()
        .filter(user=user)
        .values_list("kind", "channel")
    )
    changed = []
    for kind in Notification.Kind.values:
        old = current.get(kind, DEFAULT_CHANNELS[kind])
        new = channels.get(kind, old)
        if new not in NotificationPreference.Channel.values:
            raise InvalidParameter(f"{new!r} is not a channel.", param=kind)
        if new == old:
            continue
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"channel": new}
        )
        changed.append((kind, old, new))
    return changed
