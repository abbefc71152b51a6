"""The fast gate: jsonschema-rs answers "is this plan valid?" in microseconds.

Most plans in a pre-commit hook or a CI run are valid; for them the gate's yes is the whole
schema stage, and jsonschema (slow to import, ~1.4 ms per plan) is never loaded. A "no" hands the
instance to the complete validator, which finds and positions every error. Both run the same
keyword checks and formats, and a test holds them to the same verdict on every fixture and corpus
file.
"""

from __future__ import annotations

from typing import Any

from .keywords import FORMATS, KEYWORDS, Check


def _as_gate_keyword(check: Check) -> type:
    class Keyword:
        def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
            self.options = value

        def validate(self, instance: Any) -> None:
            for failure in check(self.options, instance):
                raise ValueError(failure.message)

    return Keyword


def build_gate(contents: dict[str, Any]) -> Any | None:
    """A jsonschema-rs validator for `contents`, or None where it cannot take the schema."""
    import jsonschema_rs

    def refuse(uri: str) -> Any:
        raise ValueError(f"retrieving {uri} is not allowed")

    try:
        return jsonschema_rs.Draft202012Validator(
            contents,
            formats={name: lambda value, is_valid=is_valid: is_valid(value) for name, is_valid in FORMATS.items()},
            validate_formats=True,
            keywords={name: _as_gate_keyword(check) for name, check in KEYWORDS.items()},
            retriever=refuse,
        )
    except Exception:  # noqa: BLE001 - e.g. a regex dialect it does not accept: use jsonschema alone
        return None
