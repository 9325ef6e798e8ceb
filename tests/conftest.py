"""Shared fixtures: golden files are compared, and rewritten only with --regen-golden."""
from __future__ import annotations

from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen-golden", action="store_true", help="rewrite tests/golden/* from current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """``golden(name, text)`` asserts text equals tests/golden/name (or rewrites it with --regen-golden)."""
    regen = request.config.getoption("--regen-golden")

    def compare(name: str, text: str) -> None:
        path = GOLDEN / name
        if regen:
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"missing golden file {path}; run pytest --regen-golden"
        assert text == path.read_text(encoding="utf-8")

    return compare
