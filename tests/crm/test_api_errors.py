"""The envelope and every error code, as a client sees them through real requests."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TYPE = "service_request_type_identifier"
STATUSES = "service_requests/configuration/statuses/list"


def assert_error(response, http_status: int, code: str, param: str | None = None):
    assert response.status_code == http_status, response.body
    assert response.code == code
    assert response.data is None
    assert response.body["status"]["message"]
    if param is not None:
        assert response.description.startswith(param), response.description
    assert "Traceback" not in str(response.body)


def test_success_envelope(api):
    response = api.get("product_types/list", {"fields_set": "name"})
    assert response.status_code == 200
    assert response.body["status"] == {"code": "OK", "message": "", "description": ""}
    assert sorted(row["name"] for row in response.data) == [
        "Accessories",
        "Decoders",
        "Expense Type",
        "One Time Services - Flat",
    ]


# -- INVALID_PARAMETER --------------------------------------------------------------------------


def test_unknown_parameter_is_named(api):
    assert_error(api.get("products/list", {"colour": "red"}), 400, "INVALID_PARAMETER", "colour")


def test_unknown_nested_parameter_is_named(anon_api):
    response = anon_api.post(
        "authentication/token",
        {"username": "a", "password": "b", "organisation": "CRMDEMO", "extra": {"x": 1}},
    )
    assert_error(response, 400, "INVALID_PARAMETER", "extra")


def test_bad_enum(api):
    response = api.get("products/list", {"classification": "GADGETS"})
    assert_error(response, 400, "INVALID_PARAMETER", "classification")
    assert "SERVICES" in response.description


def test_bad_integer(api):
    assert_error(api.get("products/list", {"offset": "ten"}), 400, "INVALID_PARAMETER", "offset")
    assert_error(api.get("products/list", {"offset": "-1"}), 400, "INVALID_PARAMETER", "offset")


@pytest.mark.parametrize("value", ["0", "501", "99999999999999999999"])
def test_number_of_results_bounds(api, value):
    response = api.get("products/list", {"number_of_results": value})
    assert_error(response, 400, "INVALID_PARAMETER", "number_of_results")


def test_offset_bounds(api):
    response = api.get("products/list", {"offset": str(2**63)})
    assert_error(response, 400, "INVALID_PARAMETER", "offset")
    assert api.get("products/list", {"offset": "2147483647"}).data == []


def test_parameter_given_twice(api, client, admin_token):
    response = api._wrap(
        client.get("/crmapi/rest/v2/products/list?offset=1&offset=2&token=" + admin_token)
    )
    assert_error(response, 400, "INVALID_PARAMETER", "offset")


def test_malformed_json(anon_api):
    response = anon_api.post("authentication/token", raw=b'{"username": ')
    assert_error(response, 400, "INVALID_PARAMETER", "body")


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"text"', b"42", b"null", b"true"])
def test_body_that_is_not_an_object(anon_api, raw):
    response = anon_api.post("authentication/token", raw=raw)
    assert_error(response, 400, "INVALID_PARAMETER", "body")


def test_nan_is_not_json(anon_api):
    raw = b'{"username": "a", "password": "b", "organisation": NaN}'
    assert_error(anon_api.post("authentication/token", raw=raw), 400, "INVALID_PARAMETER", "body")


def test_body_that_is_not_utf8(anon_api):
    response = anon_api.post("authentication/token", raw=b'{"username": "\xff"}')
    assert_error(response, 400, "INVALID_PARAMETER", "body")


def test_nul_byte_in_query_is_refused(api):
    response = api.get("products/show", {"product_identifier": "code=Decoders\x001"})
    assert_error(response, 400, "INVALID_PARAMETER", "product_identifier")


def test_nul_byte_in_body_is_refused(anon_api):
    response = anon_api.post(
        "authentication/token",
        {"username": "MPAdministrator\x00", "password": "demo", "organisation": "CRMDEMO"},
    )
    assert_error(response, 400, "INVALID_PARAMETER", "username")


def test_over_long_strings_are_refused(api, anon_api):
    response = api.get("products/show", {"product_identifier": "code=" + "x" * 300})
    assert_error(response, 400, "INVALID_PARAMETER", "product_identifier")
    response = anon_api.post(
        "authentication/token",
        {"username": "u" * 151, "password": "demo", "organisation": "CRMDEMO"},
    )
    assert_error(response, 400, "INVALID_PARAMETER", "username")
    response = api.get("products/list", {"fields_set": "code," * 2000})
    assert_error(response, 400, "INVALID_PARAMETER", "fields_set")


def test_wrong_json_type_is_refused(anon_api):
    response = anon_api.post(
        "authentication/token", {"username": 12, "password": "demo", "organisation": "CRMDEMO"}
    )
    assert_error(response, 400, "INVALID_PARAMETER", "username")


def test_body_too_large(anon_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    raw = b'{"username": "' + b"a" * 2000 + b'"}'
    assert_error(anon_api.post("authentication/token", raw=raw), 400, "INVALID_PARAMETER", "body")


def test_any_content_type_is_read_as_json(anon_api, demo):
    response = anon_api.post(
        "authentication/token",
        raw=b'{"username": "MPAdministrator", "password": "demo", "organisation": "CRMDEMO"}',
        content_type="text/plain",
    )
    assert response.status_code == 200
    assert response.code == "OK"


def test_form_encoded_body_is_refused(anon_api):
    response = anon_api.post(
        "authentication/token",
        raw=b"username=MPAdministrator&password=demo",
        content_type="application/x-www-form-urlencoded",
    )
    assert_error(response, 400, "INVALID_PARAMETER", "body")


# -- MISSING_MANDATORY_PARAMETER ----------------------------------------------------------------


def test_missing_mandatory_parameter(api, anon_api):
    assert_error(api.get(STATUSES), 400, "MISSING_MANDATORY_PARAMETER", TYPE)
    response = anon_api.post("authentication/token", {"username": "x", "organisation": "CRMDEMO"})
    assert_error(response, 400, "MISSING_MANDATORY_PARAMETER", "password")


def test_null_for_a_mandatory_parameter_is_missing(anon_api):
    response = anon_api.post(
        "authentication/token", {"username": None, "password": "x", "organisation": "CRMDEMO"}
    )
    assert_error(response, 400, "MISSING_MANDATORY_PARAMETER", "username")


def test_empty_query_value_is_not_given(api):
    assert_error(api.get(STATUSES, {TYPE: ""}), 400, "MISSING_MANDATORY_PARAMETER", TYPE)


# -- INVALID_IDENTIFIER -------------------------------------------------------------------------


def test_identifier_without_key(api):
    response = api.get(STATUSES, {TYPE: "Technical Support"})
    assert_error(response, 400, "INVALID_IDENTIFIER", TYPE)


def test_identifier_with_unknown_key(api):
    response = api.get(STATUSES, {TYPE: "colour=blue"})
    assert_error(response, 400, "INVALID_IDENTIFIER", TYPE)
    assert "id, name, alternative_code" in response.description


def test_identifier_with_two_keys_on_get(api, client, admin_token):
    url = (
        f"/crmapi/rest/v2/{STATUSES}?token={admin_token}"
        f"&{TYPE}=name=Technical%20Support&{TYPE}=alternative_code=TS"
    )
    assert_error(api._wrap(client.get(url)), 400, "INVALID_IDENTIFIER", TYPE)


def test_identifier_with_empty_value(api):
    assert_error(api.get(STATUSES, {TYPE: "name="}), 400, "INVALID_IDENTIFIER", TYPE)


# -- ENTITY_NOT_FOUND ---------------------------------------------------------------------------


def test_identifier_that_matches_nothing(api):
    response = api.get(STATUSES, {TYPE: "name=No Such Type"})
    assert_error(response, 404, "ENTITY_NOT_FOUND", TYPE)


def test_identifier_value_of_the_wrong_shape_matches_nothing(api):
    response = api.get(STATUSES, {TYPE: "id=" + "Z" * 40})
    assert_error(response, 404, "ENTITY_NOT_FOUND", TYPE)


@pytest.mark.parametrize(
    "path", ["no_such/method", "products/show/extra", "service_requests", "", "products//list"]
)
def test_unknown_method(api, client, path):
    response = api._wrap(client.get(f"/crmapi/rest/v2/{path}"))
    assert_error(response, 404, "ENTITY_NOT_FOUND", "method")
    response = api._wrap(client.post(f"/crmapi/rest/v2/{path}", b"{}", "application/json"))
    assert_error(response, 404, "ENTITY_NOT_FOUND", "method")


# -- METHOD_NOT_ALLOWED -------------------------------------------------------------------------


def test_wrong_verb(api, client):
    response = api._wrap(client.post("/crmapi/rest/v2/products/list", b"{}", "application/json"))
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["Allow"].startswith("GET")
    response = api._wrap(client.get("/crmapi/rest/v2/authentication/token"))
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    for verb in (client.put, client.delete, client.patch):
        assert_error(api._wrap(verb("/crmapi/rest/v2/products/list")), 405, "METHOD_NOT_ALLOWED")


# -- PERMISSION_DENIED --------------------------------------------------------------------------


def test_role_without_permission(client, demo):
    from tests.conftest import Api, token_for

    nobody = UserFactory()
    response = Api(client, token_for(nobody)).get("products/list")
    assert_error(response, 403, "PERMISSION_DENIED")
    assert "products.view_product" in response.description


# -- ERROR --------------------------------------------------------------------------------------


def test_unexpected_exception_is_an_envelope_without_details(api, client, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr("products.selectors.product_list", explode)
    client.raise_request_exception = False
    response = api.get("products/list")
    assert_error(response, 500, "ERROR")
    assert "secret internal detail" not in str(response.body)


# -- text that is not text, bodies nested to break the parser ---------------------------------

SURROGATE = '"\\ud800"'  # as JSON spells it: a lone UTF-16 surrogate
CREATE_BODY = (
    '{"type_identifier": {"name": "Technical Support"},'
    ' "accounts_receivable_identifier": {"number": "ACR001143"},'
    ' "status_identifier": {"name": "Pending"}, "category_identifier": {"code": "TECH"},'
    ' "urgency_level": "URGENCY2", "impact_level": "IMPACT2", %s}'
)


@pytest.mark.parametrize(
    ("field", "param"),
    [
        (f'"description": {SURROGATE}', "description"),
        (f'"caller_email": {SURROGATE}', "caller_email"),
        (f'"udf_string_1": {SURROGATE}', "udf_string_1"),
        (
            f'"physical_goods_set": [{{"product_identifier": {{"code": "Decoders 1"}},'
            f' "serial_number": {SURROGATE}}}]',
            "physical_goods_set[0].serial_number",
        ),
        (f'"type_identifier": {{"name": {SURROGATE}}}', "type_identifier.name"),
        (f"{SURROGATE}: 1", "body"),
    ],
)
def test_a_lone_surrogate_anywhere_is_an_invalid_parameter(api, admin_token, field, param, caplog):
    from servicerequests.models import ServiceRequest

    body = CREATE_BODY % field
    body = body[:-1] + f', "token": "{admin_token}"}}'
    if field.startswith('"type_identifier"'):
        body = body.replace('"type_identifier": {"name": "Technical Support"},', "", 1)
    response = api.post("service_requests/create", raw=body.encode())
    assert_error(response, 400, "INVALID_PARAMETER")
    if param != "body":
        assert response.description.startswith(param), response.description
    assert not ServiceRequest.objects.exists()
    assert "Traceback" not in caplog.text


def test_a_lone_surrogate_in_the_token_is_an_invalid_token(api):
    response = api.post("authentication/token/release", raw=b'{"token": "\\udfff"}')
    assert response.status_code in (400, 401)
    assert response.code in ("INVALID_PARAMETER", "INVALID_TOKEN")
    assert response.description.startswith("token")


@pytest.mark.parametrize("depth", [33, 950, 5000, 100_000])
def test_a_deeply_nested_body_is_an_invalid_parameter(api, depth, caplog):
    body = b'{"description": ' + b"[" * depth + b"]" * depth + b"}"
    response = api.post("service_requests/create", raw=body)
    assert_error(response, 400, "INVALID_PARAMETER")
    assert "Traceback" not in caplog.text
    assert "RecursionError" not in caplog.text


def test_nesting_within_the_limit_is_parsed(api, admin_token):
    import json

    from crm.api.parsers import MAX_DEPTH

    nested: list = []
    for _ in range(MAX_DEPTH - 2):
        nested = [nested]
    body = json.loads(CREATE_BODY % '"description": null')
    body.update(description=nested, token=admin_token)
    response = api.post("service_requests/create", raw=json.dumps(body).encode())
    # Parsed, then refused for what it says, not for how deep it is.
    assert_error(response, 400, "INVALID_PARAMETER", "description")
    assert "string" in response.description
