"""The domain errors: every class keeps the code, HTTP status and default message of the
contract's table, which is declared once (``crm.exceptions.ERRORS``)."""

import pytest

from crm import exceptions
from crm.api.schema import ERROR_HTTP

CODES = {
    "InvalidToken": ("INVALID_TOKEN", 401),
    "PermissionDenied": ("PERMISSION_DENIED", 403),
    "MissingParameter": ("MISSING_MANDATORY_PARAMETER", 400),
    "InvalidParameter": ("INVALID_PARAMETER", 400),
    "InvalidIdentifier": ("INVALID_IDENTIFIER", 400),
    "EntityNotFound": ("ENTITY_NOT_FOUND", 404),
    "MethodNotAllowed": ("METHOD_NOT_ALLOWED", 405),
    "InvalidLifeCycleState": ("INVALID_LIFE_CYCLE_STATE", 409),
    "ValidationFailed": ("VALIDATION_ERROR", 422),
    "RateLimited": ("RATE_LIMITED", 429),
    "CrmError": ("ERROR", 500),
}
MESSAGES = {
    "INVALID_TOKEN": "The token is missing, unknown, released or expired.",
    "PERMISSION_DENIED": "Your role does not allow this method.",
    "MISSING_MANDATORY_PARAMETER": "A mandatory parameter is missing.",
    "INVALID_PARAMETER": "A parameter is invalid.",
    "INVALID_IDENTIFIER": "An identifier must have exactly one of its allowed keys.",
    "ENTITY_NOT_FOUND": "No such entity.",
    "METHOD_NOT_ALLOWED": "This method does not accept that HTTP verb.",
    "INVALID_LIFE_CYCLE_STATE": (
        "The action is not allowed in the entity's current life cycle state."
    ),
    "VALIDATION_ERROR": "A business rule was not met.",
    "RATE_LIMITED": "Too many attempts; try again later.",
    "ERROR": "An unexpected error occurred.",
}


def test_every_error_class_keeps_its_code_status_and_message():
    classes = exceptions.ERROR_CLASSES
    assert {cls.__name__: (cls.code, cls.http_status) for cls in classes} == CODES
    assert {cls.code: cls.default_message for cls in classes} == MESSAGES
    assert list(CODES) == [cls.__name__ for cls in classes]


def test_the_schema_documents_the_status_of_every_code():
    assert {code: status for code, (status, _message) in exceptions.ERRORS.items()} == ERROR_HTTP


def test_an_error_without_a_message_of_its_own_carries_the_default():
    error = exceptions.EntityNotFound(param="product_identifier", detail="no product with id 'X'")
    assert (error.message, error.description) == (
        "No such entity.",
        "product_identifier: no product with id 'X'",
    )


def test_a_subclass_without_a_code_is_a_narrower_case_of_its_parent():
    class UnknownColour(exceptions.InvalidParameter):
        pass

    assert (UnknownColour.code, UnknownColour.http_status) == ("INVALID_PARAMETER", 400)
    assert isinstance(UnknownColour(), exceptions.InvalidParameter)


def test_a_code_outside_the_table_is_refused_when_the_class_is_declared():
    with pytest.raises(KeyError):

        class Teapot(exceptions.CrmError, code="I_AM_A_TEAPOT"):
            pass
