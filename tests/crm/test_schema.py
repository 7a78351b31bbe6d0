"""The OpenAPI schema describes every method from the same declarations the methods parse."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from crm.api.urls import METHODS

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operation(schema, view):
    return schema["paths"][f"/crmapi/rest/v2/{view.method_name}"][view.verb.lower()]


def test_every_method_is_documented(schema):
    documented = {path.removeprefix("/crmapi/rest/v2/") for path in schema["paths"]}
    assert documented == {view.method_name for view in METHODS}
    for view in METHODS:
        assert list(schema["paths"][f"/crmapi/rest/v2/{view.method_name}"]) == [view.verb.lower()]


def test_parameters_match_the_declarations(schema):
    for view in METHODS:
        declared = set(view.all_params())
        op = operation(schema, view)
        if view.verb == "GET":
            assert {p["name"] for p in op["parameters"]} == declared
            required = {p["name"] for p in op["parameters"] if p["required"]}
        else:
            content = op["requestBody"]["content"]
            body = content["application/json"]["schema"]
            # Files travel only in a multipart body, which declares every parameter.
            assert set(body["properties"]) - {"token"} == declared - {view.files}
            assert body["additionalProperties"] is False
            required = set(body.get("required", []))
            if view.files:
                form = content["multipart/form-data"]["schema"]
                assert set(form["properties"]) - {"token"} == declared
                assert form["properties"][view.files]["items"]["format"] == "binary"
                assert set(form["required"]) == required
            else:
                assert set(content) == {"application/json"}
        assert required == {name for name, p in view.all_params().items() if p.required}


def test_envelope_and_errors(schema):
    for view in METHODS:
        responses = operation(schema, view)["responses"]
        ok = responses["200"]["content"]["application/json"]["schema"]
        assert ok["properties"]["status"] == {"$ref": "#/components/schemas/Status"}
        assert {"400", "405", "500"} <= set(responses)
        if view.requires_token:
            assert {"401", "403", "404"} <= set(responses)
        for code, response in responses.items():
            if code != "200":
                schema_ref = response["content"]["application/json"]["schema"]
                assert schema_ref == {"$ref": "#/components/schemas/ErrorEnvelope"}


def test_list_methods_return_arrays_of_components(schema):
    view = next(
        v for v in METHODS if v.method_name == "service_requests/configuration/services/list"
    )
    data = operation(schema, view)["responses"]["200"]["content"]["application/json"]["schema"]
    assert data["properties"]["data"]["items"] == {
        "$ref": "#/components/schemas/ServiceRequestTypeService"
    }
    component = schema["components"]["schemas"]["ServiceRequestTypeService"]
    assert set(component["properties"]) == {"id", "product", "product_type"}


def test_schema_and_docs_are_served_offline(client):
    response = client.get("/crmapi/rest/v2/schema/")
    assert response.status_code == 200
    assert b"openapi" in response.content
    docs = client.get("/crmapi/rest/v2/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
