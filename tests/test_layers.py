"""The import-layer contract: front ends, then the built-in derivations and the LaTeX reader, then the kernel.

Imports point down only; the two middle layers do not import each other; no import cycles between
modules; engine code never imports a test framework or Jupyter. Every import is read with ``ast``,
also those inside functions (lazy imports are still dependencies).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "derivations"
LAYER = {"kernel": 0, "latex": 1, "content": 1, "frontends": 2}
FACADE = {"derivations", "derivations.__main__", "derivations.testing"}
FRAMEWORKS = ("pytest", "_pytest", "IPython", "ipykernel", "nbclient", "nbformat", "jupyter_client")


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Absolute names of everything ``name`` imports (relative imports resolved)."""
    is_pkg = path.name == "__init__.py"
    here = name.split(".") if is_pkg else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            mod = ".".join(base + ([node.module] if node.module else []))
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names if f"{mod}.{a.name}" in MODULES)
    return found


def _layer(name: str) -> tuple[str, int]:
    parts = name.split(".")
    if name in FACADE or len(parts) < 2 or parts[1] not in LAYER:
        return "facade", 3
    return parts[1], LAYER[parts[1]]


GRAPH = {name: {m for m in _imports(name, path) if m in MODULES} for name, path in MODULES.items()}


def test_every_module_is_in_a_layer() -> None:
    loose = [m for m in MODULES if _layer(m)[0] == "facade" and m not in FACADE]
    assert not loose, f"modules outside kernel/, latex/, content/, frontends/: {loose}"


@pytest.mark.parametrize("name", sorted(MODULES), ids=str)
def test_imports_point_down(name: str) -> None:
    group, level = _layer(name)
    bad = []
    for target in sorted(GRAPH[name]):
        tgroup, tlevel = _layer(target)
        if target == "derivations" and name != "derivations":
            bad.append(f"{target} (the facade)")
        elif tlevel > level or (tlevel == level and tgroup != group):
            bad.append(f"{target} ({tgroup})")
    assert not bad, f"{name} ({group}) imports upward or sideways: {bad}"


@pytest.mark.parametrize("name", sorted(m for m in MODULES if _layer(m)[1] < 2), ids=str)
def test_engine_code_imports_no_test_framework_or_jupyter(name: str) -> None:
    bad = sorted(m for m in _imports(name, MODULES[name]) if m.split(".")[0] in FRAMEWORKS)
    assert not bad, f"{name} imports {bad}"


def test_no_import_cycles() -> None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(GRAPH[m]):
            # a package importing its own submodules (the __init__ re-exports) is not a cycle
            if n.startswith(m + "."):
                continue
            if state.get(n) == 1:
                cycle = stack[stack.index(n):] + [n]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(MODULES):
        if m not in state:
            visit(m)


def test_the_contract_itself_catches_an_upward_import(tmp_path: Path) -> None:
    """The checker is not vacuous: a kernel module importing the reader is found."""
    fake = tmp_path / "bad.py"
    fake.write_text("from derivations.latex import read_tex_string\n", encoding="utf-8")
    targets = _imports("derivations.kernel.bad", fake)
    assert "derivations.latex" in targets and _layer("derivations.latex")[1] > _layer("derivations.kernel.bad")[1]


REWRITING = {"diff", "doit", "simplify", "summation", "integrate", "solve", "limit", "series"}


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("derivations.latex")))
def test_the_reader_never_rewrites_mathematics(name: str) -> None:
    """Derivatives, sums and solutions are the kernel's to take: the reader only builds expressions."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    calls = sorted({node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
                    for node in ast.walk(tree) if isinstance(node, ast.Call)
                    and isinstance(node.func, (ast.Attribute, ast.Name))} & REWRITING)
    assert not calls, f"{name} calls {', '.join(calls)}"
