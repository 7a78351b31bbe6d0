"""Parameter parsing: absent vs null, objects, sets with actions, rules, identifiers."""

from datetime import UTC, datetime

import pytest

from crm.api.identifiers import IdentifierKind, register
from crm.api.params import (
    BODY,
    QUERY,
    Bool,
    DateTime,
    Enum,
    Float,
    Ident,
    IdentRef,
    Int,
    ListOf,
    Obj,
    Period,
    Rules,
    SetUpdate,
    Str,
    parse_params,
)
from crm.exceptions import InvalidIdentifier, InvalidParameter, MissingParameter
from crm.timeperiods import TimePeriod

register(IdentifierKind("thing", "thing", {"id": "id", "code": "code"}))
register(
    IdentifierKind("thing_row", "thing row", {"id": "id", "product_identifier": Ident("thing")})
)

UPDATE = {
    "description": Str(nullable=True),
    "notes": Str(nullable=True),
    "quantity": Int(min_value=1, max_value=10),
    "group_identifier": Ident("thing", nullable=True),
}


def parse(fields, raw, source=BODY, rules=None):
    return parse_params(fields, raw, source, rules)


def test_absent_is_not_in_the_result_and_null_clears():
    values = parse(UPDATE, {"description": None, "quantity": 3})
    assert values == {"description": None, "quantity": 3}
    assert "notes" not in values
    assert "group_identifier" not in values


def test_null_for_a_non_nullable_optional_parameter_is_absent():
    assert parse(UPDATE, {"quantity": None}) == {}


def test_null_identifier_clears():
    assert parse(UPDATE, {"group_identifier": None}) == {"group_identifier": None}


def test_nested_object_paths_in_errors():
    fields = {"response": Obj({"category_identifier": Ident("thing", required=True)})}
    with pytest.raises(MissingParameter) as error:
        parse(fields, {"response": {}})
    assert error.value.param == "response.category_identifier"
    with pytest.raises(InvalidParameter) as error:
        parse(fields, {"response": {"category_identifier": {"id": "1"}, "colour": 1}})
    assert error.value.param == "response.colour"


@pytest.mark.parametrize(
    ("param", "raw", "expected"),
    [
        (Int(), "12", 12),
        (Int(), 12, 12),
        (Int(), 12.0, 12),
        (Float(), "1.5", 1.5),
        (Float(), 2, 2.0),
        (Bool(), "TRUE", True),
        (Bool(), False, False),
        (Enum(["ADD", "REMOVE"]), "add", "ADD"),
        (
            Enum(["TEMPORARY_RESOLVED"], aliases={"TEMPORARY RESOLVED": "TEMPORARY_RESOLVED"}),
            "temporary resolved",
            "TEMPORARY_RESOLVED",
        ),
        (DateTime(), "2016-07-27T14:00:00Z", datetime(2016, 7, 27, 14, 0, tzinfo=UTC)),
        (Period(), {"time_period_value": 3, "time_period_uot": "days"}, TimePeriod(3, "DAYS")),
    ],
)
def test_values(param, raw, expected):
    assert param.parse(raw, "p", BODY) == expected


@pytest.mark.parametrize(
    ("param", "raw"),
    [
        (Int(), "1e3"),
        (Int(), True),
        (Int(), 1.5),
        (Int(min_value=1), 0),
        (Float(), "nan"),
        (Float(), "inf"),
        (Float(), 1e300),
        (Bool(), "yes"),
        (Enum(["A"]), "B"),
        (DateTime(), "27/07/2016"),
        (DateTime(), "2016-02-30T00:00:00"),
        (DateTime(), "2016-07-27T25:00:00"),
        (Period(), {"time_period_value": 3}),
        (Period(), {"time_period_value": -1, "time_period_uot": "DAYS"}),
        (Period(), {"time_period_value": 1, "time_period_uot": "FORTNIGHTS"}),
        (Str(max_length=3), "abcd"),
        (Str(), "a\x00b"),
        (Str(), 5),
        (ListOf(Str(), max_items=2), ["a", "b", "c"]),
        (ListOf(Str()), "a"),
    ],
)
def test_bad_values(param, raw):
    with pytest.raises((InvalidParameter, MissingParameter)) as error:
        param.parse(raw, "p", BODY)
    assert error.value.param.startswith("p")


# -- identifiers --------------------------------------------------------------------------------


def test_identifier_on_post_and_get():
    assert Ident("thing").parse({"code": "X"}, "t", BODY) == IdentRef("thing", "code", "X", "t")
    assert Ident("thing").parse("code=X=Y", "t", QUERY) == IdentRef("thing", "code", "X=Y", "t")
    assert Ident("thing").parse({"id": 7}, "t", BODY).value == "7"


@pytest.mark.parametrize(
    ("raw", "source"),
    [
        ({}, BODY),
        ({"id": "1", "code": "2"}, BODY),
        ({"colour": "x"}, BODY),
        ("X", QUERY),
        ("colour=x", QUERY),
        ({"id": ""}, BODY),
        ("id=", QUERY),
    ],
)
def test_bad_identifiers(raw, source):
    with pytest.raises(InvalidIdentifier) as error:
        Ident("thing").parse(raw, "t", source)
    assert error.value.param.startswith("t")


def test_identifier_that_is_not_an_object():
    with pytest.raises(InvalidParameter):
        Ident("thing").parse("code=X", "t", BODY)
    with pytest.raises(InvalidParameter):
        Ident("thing").parse({"id": ["x"]}, "t", BODY)


def test_nested_identifier_key():
    ref = Ident("thing_row").parse({"product_identifier": {"code": "X"}}, "r", BODY)
    assert ref == IdentRef(
        "thing_row",
        "product_identifier",
        IdentRef("thing", "code", "X", "r.product_identifier"),
        "r",
    )


# -- update sets --------------------------------------------------------------------------------

GOODS = SetUpdate(
    {
        "ADD": {"product_identifier": Ident("thing", required=True), "quantity": Int(min_value=1)},
        "REMOVE": {"row_identifier": Ident("thing_row", required=True)},
    }
)


def test_set_actions_are_case_insensitive():
    items = GOODS.parse(
        [
            {"action": "add", "product_identifier": {"code": "A"}, "quantity": 2},
            {"action": "Remove", "row_identifier": {"id": "R1"}},
        ],
        "goods",
        BODY,
    )
    assert [item.action for item in items] == ["ADD", "REMOVE"]
    assert items[0].values == {
        "product_identifier": IdentRef("thing", "code", "A", "goods[0].product_identifier"),
        "quantity": 2,
    }
    assert items[1].path == "goods[1]"


def test_set_item_without_action():
    with pytest.raises(MissingParameter) as error:
        GOODS.parse([{"product_identifier": {"code": "A"}}], "goods", BODY)
    assert error.value.param == "goods[0].action"


def test_set_item_with_unknown_action():
    with pytest.raises(InvalidParameter) as error:
        GOODS.parse([{"action": "UPDATE"}], "goods", BODY)
    assert error.value.param == "goods[0].action"


def test_set_item_key_of_another_action():
    with pytest.raises(InvalidParameter) as error:
        GOODS.parse([{"action": "REMOVE", "row_identifier": {"id": "1"}, "quantity": 1}], "g", BODY)
    assert error.value.param == "g[0].quantity"
    assert "only on ADD" in error.value.description


def test_set_item_missing_a_mandatory_key():
    with pytest.raises(MissingParameter) as error:
        GOODS.parse([{"action": "ADD"}], "g", BODY)
    assert error.value.param == "g[0].product_identifier"


def test_set_must_be_an_array_of_objects():
    with pytest.raises(InvalidParameter):
        GOODS.parse({"action": "ADD"}, "g", BODY)
    with pytest.raises(InvalidParameter):
        GOODS.parse(["ADD"], "g", BODY)


# -- rules --------------------------------------------------------------------------------------

EITHER = {"a": Str(), "b": Str()}


def test_exactly_one_of():
    rules = Rules(exactly_one_of=[("a", "b")])
    assert parse(EITHER, {"a": "1"}, rules=rules) == {"a": "1"}
    with pytest.raises(MissingParameter):
        parse(EITHER, {}, rules=rules)
    with pytest.raises(InvalidParameter) as error:
        parse(EITHER, {"a": "1", "b": "2"}, rules=rules)
    assert error.value.param == "b"


def test_at_most_one_of():
    rules = Rules(at_most_one_of=[("a", "b")])
    assert parse(EITHER, {}, rules=rules) == {}
    with pytest.raises(InvalidParameter):
        parse(EITHER, {"a": "1", "b": "2"}, rules=rules)
