"""Reports are data: step results that every front end renders its own way."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

__all__ = ["VERDICTS", "DerivationReport", "Report", "StepResult"]

VERDICTS = ("proved", "supported", "refuted", "unknown", "error", "noted")
PASSING = ("proved", "supported", "noted")
CHECKED = ("proved", "supported", "refuted", "unknown", "error")


@dataclass(frozen=True)
class StepResult:
    """The kernel's verdict on one step, with what a reader needs to act on it."""

    index: int
    line: Optional[int]
    claim: str
    justification: str
    verdict: str
    detail: str = ""
    counterexample: Optional[dict[str, str]] = None
    seconds: float = 0.0
    points: int = 0
    text: str = ""
    kind: str = "claim"
    column: Optional[int] = None

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")
        object.__setattr__(self, "verdict", str(self.verdict))

    @property
    def ok(self) -> bool:
        return self.verdict in PASSING

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        if self.verdict != "supported":
            d.pop("points")
        return d

    def describe(self, source: str = "") -> str:
        """A few readable lines: where, the verdict and why, the step, the counterexample."""
        where = f"{source}:{self.line}" if source and self.line is not None else (source or "") + f" step {self.index}"
        lines = [f"{where.strip()}: {self.verdict}" + (f" ({self.justification})" if self.justification else "")]
        if self.text:
            lines.append(f"  row: {self.text}")
        lines.append(f"  checked as: {self.claim}" if self.text else f"  step: {self.claim}")
        if self.detail:
            lines.append(f"  why: {self.detail}")
        if self.counterexample:
            lines.append("  counterexample: " + ", ".join(f"{k}={v}" for k, v in self.counterexample.items()))
        return "\n".join(lines)


@dataclass
class DerivationReport:
    """All step results for one derivation (a built-in, a LaTeX file, a claims file)."""

    name: str
    source: str
    steps: list[StepResult] = field(default_factory=list)
    title: str = ""
    assumptions: dict[str, list[str]] = field(default_factory=lambda: {"stated": [], "added": []})
    seed: int = 0

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "source": self.source, "assumptions": self.assumptions,
                "steps": [s.as_json() for s in self.steps]}

    def _repr_markdown_(self) -> str:
        return Report([self])._repr_markdown_()


@dataclass
class Report:
    """The result of one check run: derivation reports in order."""

    derivations: list[DerivationReport] = field(default_factory=list)
    seed: int = 0

    @property
    def steps(self) -> list[StepResult]:
        return [s for d in self.derivations for s in d.steps]

    def summary(self) -> dict[str, int]:
        counts = {v: 0 for v in VERDICTS}
        for s in self.steps:
            counts[s.verdict] += 1
        return counts

    @property
    def checked(self) -> int:
        """How many claims were checked (rows that are claims, whatever their verdict)."""
        return sum(1 for s in self.steps if s.verdict in CHECKED)

    @property
    def ok(self) -> bool:
        """Every claim proved or supported, and at least one claim checked."""
        return self.checked > 0 and all(d.ok for d in self.derivations)

    def exit_status(self) -> int:
        return 0 if self.ok else 1

    def as_json(self) -> dict[str, Any]:
        return {"derivations": [d.as_json() for d in self.derivations], "summary": self.summary(),
                "seed": self.seed}

    def to_json(self) -> str:
        return json.dumps(self.as_json(), indent=2)

    def to_text(self) -> str:
        out: list[str] = []
        for d in self.derivations:
            out.append(f"== {d.name}" + (f": {d.title}" if d.title else "") + (f" ({d.source})" if d.source else ""))
            if d.assumptions.get("stated"):
                out.append("  assumed: " + "; ".join(d.assumptions["stated"]))
            if d.assumptions.get("declared"):
                out.append("  declared: " + "; ".join(d.assumptions["declared"]))
            if d.assumptions.get("added"):
                out.append("  added by the tool: " + "; ".join(d.assumptions["added"]))
            for s in d.steps:
                where = f"{d.source}:{s.line}" if s.line is not None else f"step {s.index}"
                label = s.verdict if s.kind in ("claim", "noted") else f"{s.verdict} ({s.kind})"
                out.append(f"  {where:<8} {label:<9} {s.seconds:6.2f}s  {s.justification}")
                if s.text and s.verdict not in ("proved", "supported"):
                    out.append(f"           row: {s.text}")
                if s.verdict not in ("proved", "supported", "noted"):
                    out.append(f"           {'checked as: ' if s.text else ''}{s.claim}")
                if s.detail and s.verdict != "proved":
                    out.append(f"           {s.detail}")
                if s.counterexample:
                    vals = ", ".join(f"{k}={v}" for k, v in s.counterexample.items())
                    out.append(f"           counterexample: {vals}")
        summ = self.summary()
        total = sum(summ.values())
        out.append(f"{total} steps: " + ", ".join(f"{n} {v}" for v, n in summ.items() if v != "noted" or n)
                   + f" (seed {self.seed})")
        if not self.checked:
            out.append("nothing was checked: no row is a claim")
        return "\n".join(out)

    def _repr_markdown_(self) -> str:
        marks = {"proved": "✔", "supported": "≈", "refuted": "✘", "unknown": "?", "error": "!", "noted": "·"}
        rows = []
        for d in self.derivations:
            rows.append(f"**{d.title or d.name}**\n")
            rows.append("| # | step | justification | verdict |")
            rows.append("|---|---|---|---|")
            for s in d.steps:
                extra = f" ({s.detail})" if s.detail and not s.ok else ""
                claim = s.claim.replace("|", r"\vert ")
                why = s.justification.replace("|", "/")
                rows.append(f"| {s.index} | ${claim}$ | {why} | {marks[s.verdict]} {s.verdict}{extra} |")
            rows.append("")
        summ = self.summary()
        rows.append(", ".join(f"{n} {v}" for v, n in summ.items() if n))
        return "\n".join(rows)
