"""Domain errors. Services and the Web API plumbing raise them; one handler renders each as
the contract's error envelope with the matching HTTP status."""

# The error codes, as the README's table lists them: the HTTP status of each, and the message
# an error carries when it is raised without one of its own.
ERRORS: dict[str, tuple[int, str]] = {
    "ERROR": (500, "An unexpected error occurred."),
    "INVALID_TOKEN": (401, "The token is missing, unknown, released or expired."),
    "PERMISSION_DENIED": (403, "Your role does not allow this method."),
    "MISSING_MANDATORY_PARAMETER": (400, "A mandatory parameter is missing."),
    "INVALID_PARAMETER": (400, "A parameter is invalid."),
    "INVALID_IDENTIFIER": (400, "An identifier must have exactly one of its allowed keys."),
    "ENTITY_NOT_FOUND": (404, "No such entity."),
    # Not in the contract's table, which has no code for HTTP 405; see the README.
    "METHOD_NOT_ALLOWED": (405, "This method does not accept that HTTP verb."),
    "INVALID_LIFE_CYCLE_STATE": (
        409,
        "The action is not allowed in the entity's current life cycle state.",
    ),
    "VALIDATION_ERROR": (422, "A business rule was not met."),
    "RATE_LIMITED": (429, "Too many attempts; try again later."),
}


class CrmError(Exception):
    """Base of every error the Web API reports with a code other than ``OK``.

    A subclass names its code (``class InvalidToken(CrmError, code="INVALID_TOKEN")``) and
    takes its HTTP status and default message from :data:`ERRORS`, so no error can be
    declared with a code the envelope and the schema do not know.

    ``param`` names the offending parameter (a dotted path for nested values, e.g.
    ``response.category_identifier``); the envelope's ``description`` starts with it.
    """

    code = "ERROR"
    http_status, default_message = ERRORS[code]

    def __init_subclass__(cls, code: str | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        # Without a code, a subclass of an error is a narrower case of its parent's.
        if code is not None:
            cls.code = code
            cls.http_status, cls.default_message = ERRORS[code]

    def __init__(self, message: str | None = None, *, param: str | None = None, detail: str = ""):
        self.message = message or self.default_message
        self.param = param
        self.detail = detail
        super().__init__(self.message)

    @property
    def description(self) -> str:
        text = self.detail or self.message
        return f"{self.param}: {text}" if self.param else text


class InvalidToken(CrmError, code="INVALID_TOKEN"): ...


class PermissionDenied(CrmError, code="PERMISSION_DENIED"): ...


class MissingParameter(CrmError, code="MISSING_MANDATORY_PARAMETER"): ...


class InvalidParameter(CrmError, code="INVALID_PARAMETER"): ...


class InvalidIdentifier(CrmError, code="INVALID_IDENTIFIER"): ...


class EntityNotFound(CrmError, code="ENTITY_NOT_FOUND"): ...


class MethodNotAllowed(CrmError, code="METHOD_NOT_ALLOWED"): ...


class InvalidLifeCycleState(CrmError, code="INVALID_LIFE_CYCLE_STATE"): ...


class ValidationFailed(CrmError, code="VALIDATION_ERROR"): ...


class RateLimited(CrmError, code="RATE_LIMITED"):
    """``retry_after``: seconds until the lock ends, sent as the ``Retry-After`` header."""

    def __init__(self, message: str | None = None, *, retry_after: int | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


ERROR_CLASSES: tuple[type[CrmError], ...] = (
    InvalidToken,
    PermissionDenied,
    MissingParameter,
    InvalidParameter,
    InvalidIdentifier,
    EntityNotFound,
    MethodNotAllowed,
    InvalidLifeCycleState,
    ValidationFailed,
    RateLimited,
    CrmError,
)
