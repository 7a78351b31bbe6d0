"""Parameters several resources share: assignment, user-defined fields, ownership."""

from crm.api.params import DateTime, Float, Ident, Obj, Param, Str


def assigned_to_param(**kwargs) -> Obj:
    """``{user_identifier, unit_identifier}``; either or both (reference G10)."""
    return Obj(
        {
            "user_identifier": Ident("user", nullable=True),
            "unit_identifier": Ident("unit", nullable=True),
        },
        **kwargs,
    )


def udf_params() -> dict[str, Param]:
    """``udf_string_1..8``, ``udf_float_1..4``, ``udf_date_1..4``; null clears on update."""
    params: dict[str, Param] = {}
    for n in range(1, 9):
        params[f"udf_string_{n}"] = Str(nullable=True)
    for n in range(1, 5):
        params[f"udf_float_{n}"] = Float(nullable=True)
    for n in range(1, 5):
        params[f"udf_date_{n}"] = DateTime(nullable=True)
    return params


def ownership_params() -> dict[str, Param]:
    return {
        "owned_by_group_identifier": Ident("group", nullable=True),
        "privacy_level_identifier": Ident("privacy_level", nullable=True),
    }
