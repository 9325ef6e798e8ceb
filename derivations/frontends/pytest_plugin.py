"""pytest plugin: LaTeX derivation files and claims files as test items, one per step.

Opt in with ``--derivations GLOB`` (repeatable) or the ini option ``derivations``
(lines of globs). Nothing from the engine, SymPy included, is imported until a
matching file is collected.
"""
from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest

__all__ = ["DerivationFile", "DerivationItem"]

SUFFIXES = (".tex", ".toml")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("derivations", "checking derivation files as tests")
    group.addoption("--derivations", action="append", default=[], metavar="GLOB",
                    help="collect LaTeX (.tex) and claims (.toml) files matching GLOB, one test per step")
    group.addoption("--derivations-budget", type=float, default=None, metavar="SECONDS",
                    help="time budget per step (default 10)")
    group.addoption("--derivations-strict", action="store_true", default=None,
                    help="require proved; supported steps fail")
    group.addoption("--derivations-points", default=None, metavar="N",
                    help="random exact points for a numeric check (at least 8; default 24)")
    group.addoption("--derivations-seed", default=None, metavar="N", help="seed of the random points (default 0)")
    parser.addini("derivations", type="linelist", default=[], help="globs of derivation files to collect")
    parser.addini("derivations_budget", default="10", help="time budget per step in seconds")
    parser.addini("derivations_strict", type="bool", default=False, help="require proved; supported fails")
    parser.addini("derivations_points", default="24", help="random exact points for a numeric check (at least 8)")
    parser.addini("derivations_seed", default="0", help="seed of the random points")
    group.addoption("--derivations-preamble", default=None, metavar="FILE",
                    help="a LaTeX file whose macros hold in every collected .tex file")
    parser.addini("derivations_preamble", default="", help="a LaTeX file whose macros hold in every .tex file")


def _whole(config: pytest.Config, name: str, least: int) -> int:
    """An integer option (command line first, then ini), or a usage error naming it and its value."""
    opt = config.getoption(name)
    text = str(opt if opt is not None else config.getini(name))
    if not text.strip().isdigit() or int(text) < least:
        raise pytest.UsageError(f"{name.replace('_', '-')}: {text!r} is not a whole number of at least {least}")
    return int(text)


def pytest_configure(config: pytest.Config) -> None:
    if _globs(config):
        _whole(config, "derivations_points", 8)
        _whole(config, "derivations_seed", 0)


def _globs(config: pytest.Config) -> list[str]:
    return list(config.getoption("derivations") or []) + list(config.getini("derivations") or [])


def _matches(path: Path, config: pytest.Config) -> bool:
    if path.suffix not in SUFFIXES:
        return False
    root = Path(str(config.rootpath))
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = path.as_posix()
    return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(path.name, g) or path.match(g) for g in _globs(config))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Optional[pytest.Collector]:
    if _globs(parent.config) and _matches(file_path, parent.config):
        return DerivationFile.from_parent(parent, path=file_path)
    return None


class DerivationFile(pytest.File):
    """A .tex or claims .toml file; its steps become items named ``line N``."""

    def collect(self) -> Iterator["DerivationItem"]:
        from derivations.frontends.api import load
        from derivations.kernel.errors import InputError

        try:
            pre = self.config.getoption("derivations_preamble") or self.config.getini("derivations_preamble") or None
            derivs = load(str(self.path), preamble=str(self.config.rootpath / pre) if pre else None)
        except InputError as exc:
            raise self.CollectError(str(exc)) from None
        seen: dict[str, int] = {}
        for d in derivs:
            for n, step in enumerate(d.steps, 1):
                base = f"line {step.line}" if step.line is not None else f"{d.name} step {n}"
                seen[base] = seen.get(base, 0) + 1
                name = base if seen[base] == 1 else f"{base} ({seen[base]})"
                yield DerivationItem.from_parent(self, name=name, derivation=d, index=n)


class StepNotAccepted(Exception):
    """Raised by an item whose step was not accepted; shown without a traceback."""


class DerivationItem(pytest.Item):
    def __init__(self, *, derivation: Any, index: int, **kw: Any) -> None:
        super().__init__(**kw)
        self.derivation = derivation
        self.index = index

    def _budget(self) -> float:
        opt = self.config.getoption("derivations_budget")
        return float(opt if opt is not None else self.config.getini("derivations_budget"))

    def runtest(self) -> None:
        from derivations.kernel.verdict import check_step

        step = self.derivation.steps[self.index - 1]
        points = _whole(self.config, "derivations_points", 8)
        seed = _whole(self.config, "derivations_seed", 0)
        result = check_step(step, self.derivation.assumptions, self.index, budget=self._budget(), points=points,
                            seed=seed + self.index)
        strict = self.config.getoption("derivations_strict") or self.config.getini("derivations_strict")
        ok = ("proved", "noted") if strict else ("proved", "supported", "noted")
        self.user_properties.append(("verdict", result.verdict))
        if result.verdict not in ok:
            raise StepNotAccepted(result.describe(str(self.path.name)))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, StepNotAccepted):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Any, Optional[int], str]:
        step = self.derivation.steps[self.index - 1]
        return self.path, (step.line - 1) if step.line else None, self.name
