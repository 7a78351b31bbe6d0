"""The organisation: communities, groups, units, privacy levels, users and API credentials.

Also the abstract bases every other app's entities use (hex ids, log information) and the
counters behind human-readable numbers.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.auth.models import Group as AuthGroup
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from crm.ids import HexIdField


class Entity(models.Model):
    """Abstract base: a 32-character upper-case hex primary key."""

    id = HexIdField()

    class Meta:
        abstract = True


class Configured(Entity):
    """Abstract base for configuration rows. Lists of them are newest first, like every list
    of the Web API, so each row records when it was created."""

    created_date = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True


class Logged(models.Model):
    """Abstract base for the ``log_information`` object: who created and last updated a row.

    The unit is the one the acting user's token was issued for, as in CRM.COM.
    """

    created_date = models.DateTimeField(db_index=True)
    updated_date = models.DateTimeField()
    created_by_user = models.ForeignKey(
        "crm.User",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    updated_by_user = models.ForeignKey(
        "crm.User",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    created_by_unit = models.ForeignKey(
        "crm.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    updated_by_unit = models.ForeignKey(
        "crm.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )

    class Meta:
        abstract = True


class Community(Entity):
    """The top of the organisation: groups belong to a community."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True, default="")

    class Meta:
        verbose_name_plural = "communities"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Group(Entity):
    """A group of users that can own service requests and jobs (``owned_by_group``).

    Records owned by a group are visible to its members and to users with the
    ``crm.view_all_groups`` permission. Not to be confused with Django's permission groups,
    which this project calls roles.
    """

    name = models.CharField(max_length=100, unique=True)
    alternative_code = models.CharField(max_length=50, unique=True, null=True, blank=True)
    description = models.TextField(blank=True, default="")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="groups")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Unit(Entity):
    """A unit of a group; every token acts for one unit (shown in ``log_information``)."""

    name = models.CharField(max_length=100, unique=True)
    alternative_code = models.CharField(max_length=50, unique=True, null=True, blank=True)
    description = models.TextField(blank=True, default="")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="units")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PrivacyLevel(Entity):
    """A privacy level; a record at level N is visible to users whose clearance is >= N."""

    name = models.CharField(max_length=100, unique=True)
    number = models.PositiveSmallIntegerField(unique=True)
    description = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"{self.name} ({self.number})"


class User(AbstractUser):
    """A person who signs in to the staff pages or calls the Web API.

    The profile CRM.COM keeps for a user lives here: person name, units (with a default one
    for tokens issued without a unit), group memberships and clearance.
    """

    id = HexIdField()
    person_name = models.CharField(max_length=150, blank=True, default="")
    default_unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    units = models.ManyToManyField(Unit, blank=True, related_name="users")
    crm_groups = models.ManyToManyField(
        Group, blank=True, related_name="members", verbose_name="groups (CRM)"
    )
    clearance = models.ForeignKey(
        PrivacyLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Highest privacy level this user may see. Empty: only unrestricted records.",
    )

    objects = UserManager()

    class Meta:
        permissions = [("view_all_groups", "Can see records owned by any group")]
        ordering = ["username"]
        constraints = [models.UniqueConstraint(Lower("username"), name="crm_user_username_ci_uniq")]

    def __str__(self):
        return self.username

    @property
    def display_name(self) -> str:
        return self.person_name or self.get_full_name() or self.username


class Role(AuthGroup):
    """A Django permission group, shown as a role so it is not confused with CRM groups."""

    class Meta:
        proxy = True
        verbose_name = "role"


class ApiToken(Entity):
    """A Web API session token. Only a SHA-256 hash of the token is stored."""

    class Source(models.TextChoices):
        LOGIN = "LOGIN", "user name and password"
        API_KEY = "API_KEY", "Web API key"

    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.LOGIN)
    api_key = models.ForeignKey(
        "crm.ApiKey", on_delete=models.CASCADE, null=True, blank=True, related_name="tokens"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"token of {self.user_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class ApiKey(Entity):
    """A Web API key, exchanged for a token by ``authentication/web_api_key/token``.

    The key is shown once when created; only its hash and a short prefix are stored.
    """

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="api_keys",
        help_text="The key acts as this user, with the user's permissions and clearance.",
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text="Unit for tokens issued with this key; empty: the user's default unit.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "Web API key"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="crm_apikey_user_name_uniq")
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        """The user's own notifications about records they may still see: a record
        reclassified after the notice was made disappears from the list and the count."""
        from crm.access import access_for

        access = access_for(user)
        q = Q(user=user)
        for fk in ("service_request", "job"):
            q &= Q(**{f"{fk}__isnull": True}) | visible_q(
                access, privacy_field=f"{fk}__privacy_level", group_field=f"{fk}__owned_by_group"
            )
        return self.filter(q)


class Notification(Entity):
    """Something a user should know: a request or job approaching or past its expected
    completion. One per user and flag (``key``), so a flag never notifies twice."""

    class Kind(models.TextChoices):
        APPROACHING = "APPROACHING", "approaching expected completion"
        OVERDUE = "OVERDUE", "past expected completion"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    service_request = models.ForeignKey(
        "servicerequests.ServiceRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    message = models.CharField(max_length=300)
    key = models.CharField(max_length=120, help_text="The flag this notifies of.")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="crm_notification_once_per_flag")
        ]
        indexes = [
            models.Index(
                fields=["user", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="crm_notification_unread_idx",
            )
        ]

    def __str__(self):
        return f"{self.user_id}: {self.message}"


class IdempotencyKey(Entity):
    """A client's ``Idempotency-Key`` for a creating POST: the first response is kept so a
    retry with the same key and body gets it again instead of creating a second record."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method_name = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)
    # Set in the transaction that claims the key and creates the record, so a committed
    # claim always holds its response (null only inside that transaction).
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "method_name", "key"], name="crm_idempotency_key_uniq"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.method_name} {self.key}"


class Counter(models.Model):
    """The last number issued for a kind of record (``SR00000001``, ``JOB000001``).

    Used on SQLite, which serialises writers anyway; PostgreSQL uses native sequences.
    """

    name = models.CharField(max_length=50, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.name}={self.value}"


def visible_q(access, *, privacy_field: str = "privacy_level", group_field: str = "owned_by_group"):
    """The filter that hides records above the user's clearance or owned by others' groups."""
    q = Q(**{f"{privacy_field}__isnull": True}) | Q(
        **{f"{privacy_field}_id__in": access.privacy_level_ids}
    )
    if not access.all_groups:
        q &= Q(**{f"{group_field}__isnull": True}) | Q(
            **{f"{group_field}_id__in": access.group_ids}
        )
    return q
