"""Web API credentials, idempotency keys and the counters behind human-readable numbers."""

from django.db import models

from crm.models.base import Entity
from crm.models.organisation import Unit, User


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
