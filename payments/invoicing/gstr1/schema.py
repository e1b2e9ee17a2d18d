"""Checking a GSTR-1 JSON against the schema kept beside this module (gstr1.schema.json)."""

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).with_name("gstr1.schema.json")


@cache
def _validator() -> Draft202012Validator:
    # Decimals on both sides, so "two decimals at most" (multipleOf 0.01) is exact.
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"), parse_float=Decimal)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(json_text: str) -> list[str]:
    """Every way the JSON text breaks the schema, as "path: message" lines (empty if valid)."""
    data = json.loads(json_text, parse_float=Decimal)
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors]
