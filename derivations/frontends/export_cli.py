"""``derivations export``: write a checked derivation as LaTeX, Markdown or JSON."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from derivations.kernel.errors import InputError

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    from derivations.frontends.api import check_path
    from derivations.frontends.export import export
    from derivations.frontends.nets_export import latex_tables
    from derivations.kernel.report import Report

    reports = [check_path(t, budget=args.budget) for t in args.targets]
    report = Report([d for r in reports for d in r.derivations])
    extra = [t for target in args.targets for t in latex_tables(target)] if args.format == "latex" else []
    text = export(report, args.format, args.standalone, extra)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        out = Path(args.output)
        if not out.parent.exists():
            raise InputError(f"cannot write {out}: folder {out.parent} does not exist")
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out} ({len(report.steps)} steps: " +
              ", ".join(f"{n} {v}" for v, n in report.summary().items() if n) + ")")
    return report.exit_status()


def register(sub: Any) -> None:
    p = sub.add_parser("export", help="write checked derivations as LaTeX (course notes), Markdown or JSON")
    p.add_argument("targets", nargs="+", metavar="NAME|FILE", help="built-in names, .tex files or claims .toml files")
    p.add_argument("--format", choices=("latex", "markdown", "json"), default="latex")
    p.add_argument("--standalone", action="store_true", help="a complete LaTeX document, not a fragment for \\input")
    p.add_argument("-o", "--output", required=True, help="output path, or - for standard output")
    p.add_argument("--budget", type=float, default=10.0, help="seconds per step (default 10)")
    p.set_defaults(func=_run)
