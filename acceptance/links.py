"""Issuing and mailing acceptance links (contract section 12), and what a link is worth.

A response, temporary resolution or final resolution whose category requires the
customer's acceptance, recorded without it, gets a link row in the same transaction as the
step; the mail goes after commit, from a task that claims the row first (``mailed_at``) so
it is never sent twice. The token in the mail is the row's id signed with a salt of this
feature: it proves the link came from us, while single use, expiry and whether the step is
still the one mailed about are read from the row, under its lock when it is used.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from acceptance.models import AcceptanceLink
from servicerequests import rules
from servicerequests.steps import BY_NAME, StepKind

SALT = "acceptance.AcceptanceLink"

# What a link is worth now; only OPEN lets the customer accept or decline.
OPEN = "open"
USED = "used"
ACCEPTED = "accepted"  # the step was accepted another way (staff, the Web API) first
NOT_CURRENT = "not_current"  # the step was corrected, replaced or cleared since
EXPIRED = "expired"
INVALID = "invalid"  # tampered, or no such link


# What the page shows of the request, joined when the link is read.
PAGE_RELATED = (
    "service_request__type",
    *(f"service_request__{step.column('category')}" for step in BY_NAME.values()),
)


def address_of(sr) -> str:
    """Where the customer is mailed: the request's caller e-mail, else the caller's."""
    return (sr.caller_email or "").strip() or (sr.caller.email or "").strip()


def acceptance_link_issue(*, service_request, step: StepKind, now: datetime):
    """Issue a link for ``step`` of the (locked) request if it waits for the customer and
    there is somewhere to mail it; the mail goes after commit. Returns the link or None."""
    sr = service_request
    category = getattr(sr, step.column("category"))
    if not rules.requires_acceptance(sr, category):
        return None
    if getattr(sr, step.column("accepted_date")) is not None:
        return None  # accepted in the same write: nothing to ask
    email = address_of(sr)
    if not email:
        return None
    link = AcceptanceLink.objects.create(
        service_request=sr,
        step=step.name,
        step_date=getattr(sr, step.column("date")),
        email=email,
        created_at=now,
        expires_at=now + timedelta(days=settings.CRM_ACCEPTANCE_LINK_DAYS),
    )
    from acceptance.tasks import send_acceptance_link

    # robust: a broker that is down must not turn the committed step into an error answer;
    # the beat's sweep (acceptance.send_unmailed_links) mails the link a minute later.
    transaction.on_commit(lambda: send_acceptance_link.delay(link.pk), robust=True)
    return link


def token_for(link: AcceptanceLink) -> str:
    return signing.dumps(link.pk, salt=SALT)


def link_for_token(token: str) -> tuple[AcceptanceLink | None, str]:
    """The link a token names and, when the token itself is refused, why (EXPIRED,
    INVALID); reads only. The row's own expiry is checked by ``state_of``."""
    max_age = timedelta(days=settings.CRM_ACCEPTANCE_LINK_DAYS)
    try:
        link_id = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        return None, EXPIRED
    except signing.BadSignature:
        return None, INVALID
    link = AcceptanceLink.objects.select_related(*PAGE_RELATED).filter(pk=str(link_id)).first()
    return link, (OPEN if link is not None else INVALID)


def url_for(link: AcceptanceLink) -> str:
    return settings.CRM_PUBLIC_URL + reverse("acceptance-link", args=[token_for(link)])


def state_of(link: AcceptanceLink, sr, now: datetime) -> str:
    """What ``link`` is worth now, given its request ``sr`` as read (under lock, for a
    write). A newer link for the same step replaces this one."""
    step = BY_NAME[link.step]
    if link.used_at is not None:
        return USED
    if getattr(sr, step.column("accepted_date")) is not None:
        return ACCEPTED
    if getattr(sr, step.column("date")) != link.step_date or _replaced(link):
        return NOT_CURRENT
    if now >= link.expires_at:
        return EXPIRED
    return OPEN


def _replaced(link: AcceptanceLink) -> bool:
    return AcceptanceLink.objects.filter(
        service_request_id=link.service_request_id,
        step=link.step,
        created_at__gt=link.created_at,
    ).exists()


def step_text(sr, step: StepKind) -> dict:
    """What the customer is asked to accept: the step's label, category and text."""
    category = getattr(sr, step.column("category"))
    return {
        "label": step.label,
        "category": category.name if category is not None else "",
        "text": getattr(sr, step.column("description")) or "",
    }


def acceptance_link_send(*, link_id: str) -> bool:
    """Mail the link once: claim it (``mailed_at``), then send; a failed send gives the
    claim back so a retry sends it. A link no longer open is not mailed at all. Returns
    whether this call sent it."""
    link = (
        AcceptanceLink.objects.select_related(*PAGE_RELATED)
        .filter(pk=link_id, mailed_at__isnull=True)
        .first()
    )
    if link is None or state_of(link, link.service_request, timezone.now()) != OPEN:
        return False
    now = timezone.now()
    if not AcceptanceLink.objects.filter(pk=link.pk, mailed_at__isnull=True).update(mailed_at=now):
        return False  # another worker has it
    try:
        _mail(link)
    except Exception:
        AcceptanceLink.objects.filter(pk=link.pk).update(mailed_at=None)
        raise
    _record_mailed(link, now)
    return True


def acceptance_links_send_unmailed(*, now: datetime | None = None, limit: int = 200) -> int:
    """Mail the links of the last day that no task mailed: their after-commit task was lost
    (the broker was down as the step committed), or every retry of it failed. A link is
    picked only once it is a minute old, so the task enqueued after commit goes first; the
    claim in ``acceptance_link_send`` keeps the two from mailing it twice."""
    now = now or timezone.now()
    pending = AcceptanceLink.objects.filter(
        mailed_at__isnull=True,
        used_at__isnull=True,
        created_at__lte=now - timedelta(minutes=1),
        created_at__gt=now - timedelta(days=1),
    ).order_by("created_at")
    ids = list(pending.values_list("pk", flat=True)[:limit])
    return sum(acceptance_link_send(link_id=link_id) for link_id in ids)


def _mail(link: AcceptanceLink) -> None:
    sr, step = link.service_request, BY_NAME[link.step]
    context = {"sr": sr, "step": step_text(sr, step), "url": url_for(link), "link": link}
    message = EmailMultiAlternatives(
        subject=f"{sr.number}: please accept or decline the {step.label.lower()}",
        body=render_to_string("acceptance/mail.txt", context),
        to=[link.email],
    )
    message.attach_alternative(render_to_string("acceptance/mail.html", context), "text/html")
    message.send()


def _record_mailed(link: AcceptanceLink, now: datetime) -> None:
    """The request's timeline says the customer was asked (no user did it: the system)."""
    from crm.actor import Actor
    from servicerequests.services.common import record_event

    sr, step = link.service_request, BY_NAME[link.step]
    record_event(
        sr,
        Actor(user=None, unit=None),
        "acceptance_link_mailed",
        (sr.life_cycle_state, sr.status_id),
        now,
        note=f"The {step.label.lower()} was mailed to {link.email} for acceptance.",
    )
