"""A method's whole parameter list: its rules across parameters, the query string, parsing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from crm.api.params.compound import Ident, parse_object
from crm.api.params.scalars import Param
from crm.api.params.text import check_text
from crm.exceptions import InvalidIdentifier, InvalidParameter, MissingParameter


@dataclass
class Rules:
    """Method-level rules between parameters."""

    exactly_one_of: list[tuple[str, ...]] = field(default_factory=list)
    at_most_one_of: list[tuple[str, ...]] = field(default_factory=list)

    def check(self, values: Mapping[str, Any]) -> None:
        for group in self.exactly_one_of:
            given = [name for name in group if values.get(name) is not None]
            if not given:
                names = ", ".join(group)
                raise MissingParameter(
                    f"One of {names} is mandatory.",
                    param=group[0],
                    detail=f"specify exactly one of {names}",
                )
            self._at_most_one(group, given)
        for group in self.at_most_one_of:
            # Null for both is fine: on an update that clears them together.
            self._at_most_one(group, [name for name in group if values.get(name) is not None])

    @staticmethod
    def _at_most_one(group, given):
        if len(given) > 1:
            raise InvalidParameter(
                f"Only one of {', '.join(group)} is allowed.",
                param=given[1],
                detail=f"{given[0]} and {given[1]} cannot be given together",
            )


def query_to_raw(query, fields: Mapping[str, Param]) -> dict[str, str]:
    """A QueryDict as plain values. A parameter given twice is refused; for an identifier
    that means several keys. An empty value means "not given" (blank form fields)."""
    raw: dict[str, str] = {}
    for name, values in query.lists():
        check_text(name, "parameter name", 100)
        if len(values) > 1:
            if isinstance(fields.get(name), Ident):
                raise InvalidIdentifier(
                    f"The identifier {name} has several keys.",
                    param=name,
                    detail="give exactly one key=value",
                )
            raise InvalidParameter(
                f"The parameter {name} is given more than once.",
                param=name,
                detail="give each parameter once",
            )
        if values[0] != "" or name not in fields:
            raw[name] = values[0]
    return raw


def parse_params(
    fields: Mapping[str, Param], raw: Mapping, source: str, rules: Rules | None = None
):
    """Parse a method's parameters (without ``token``) and apply its rules."""
    values = parse_object(fields, raw, "", source)
    if rules:
        rules.check(values)
    return values
