"""The OpenAPI document is complete: every field described, errors declared, examples given."""

from __future__ import annotations

from typing import Any

import pytest

from api.main import create_app
from service.settings import Settings


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return create_app(Settings()).openapi()


def test_every_field_of_every_schema_is_described(spec: dict[str, Any]) -> None:
    undocumented = [
        f"{name}.{prop}"
        for name, schema in spec["components"]["schemas"].items()
        for prop, body in schema.get("properties", {}).items()
        if not body.get("description")
    ]
    assert undocumented == []


def test_every_protected_operation_declares_its_problem_responses(spec: dict[str, Any]) -> None:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert operation.get("description"), f"{method} {path} has no docstring"
            if path.startswith("/v1/"):
                declared = set(operation["responses"])
                assert {"401", "403", "422"} <= declared, f"{method} {path}: {declared}"
                problem = operation["responses"]["401"]["content"]
                assert "application/problem+json" in problem


def test_request_bodies_carry_chinese_examples(spec: dict[str, Any]) -> None:
    expenditure = spec["components"]["schemas"]["ExpenditureCreate"]["properties"]
    assert expenditure["payee"]["examples"] == ["北京精密仪器有限公司"]
    assert expenditure["amount"]["type"] == "string"
