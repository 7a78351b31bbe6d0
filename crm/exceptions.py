"""Domain errors. Services and the Web API plumbing raise them; one handler renders each as
the contract's error envelope with the matching HTTP status."""


class CrmError(Exception):
    """Base of every error the Web API reports with a code other than ``OK``.

    ``param`` names the offending parameter (a dotted path for nested values, e.g.
    ``response.category_identifier``); the envelope's ``description`` starts with it.
    """

    code = "ERROR"
    http_status = 500
    default_message = "An unexpected error occurred."

    def __init__(self, message: str | None = None, *, param: str | None = None, detail: str = ""):
        self.message = message or self.default_message
        self.param = param
        self.detail = detail
        super().__init__(self.message)

    @property
    def description(self) -> str:
        text = self.detail or self.message
        return f"{self.param}: {text}" if self.param else text


class InvalidToken(CrmError):
    code = "INVALID_TOKEN"
    http_status = 401
    default_message = "The token is missing, unknown, released or expired."


class PermissionDenied(CrmError):
    code = "PERMISSION_DENIED"
    http_status = 403
    default_message = "Your role does not allow this method."


class MissingParameter(CrmError):
    code = "MISSING_MANDATORY_PARAMETER"
    http_status = 400
    default_message = "A mandatory parameter is missing."


class InvalidParameter(CrmError):
    code = "INVALID_PARAMETER"
    http_status = 400
    default_message = "A parameter is invalid."


class InvalidIdentifier(CrmError):
    code = "INVALID_IDENTIFIER"
    http_status = 400
    default_message = "An identifier must have exactly one of its allowed keys."


class EntityNotFound(CrmError):
    code = "ENTITY_NOT_FOUND"
    http_status = 404
    default_message = "No such entity."


class MethodNotAllowed(CrmError):
    """Not in the contract's table, which has no code for HTTP 405; see the README."""

    code = "METHOD_NOT_ALLOWED"
    http_status = 405
    default_message = "This method does not accept that HTTP verb."


class InvalidLifeCycleState(CrmError):
    code = "INVALID_LIFE_CYCLE_STATE"
    http_status = 409
    default_message = "The action is not allowed in the entity's current life cycle state."


class ValidationFailed(CrmError):
    code = "VALIDATION_ERROR"
    http_status = 422
    default_message = "A business rule was not met."


class RateLimited(CrmError):
    code = "RATE_LIMITED"
    http_status = 429
    default_message = "Too many attempts; try again later."

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
