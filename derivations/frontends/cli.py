"""The command line: thin; it picks derivations, asks the kernel, and prints the report."""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Optional, Sequence

from derivations.frontends.api import load
from derivations.content.builtins import BUILTINS
from derivations.kernel.derivation import Derivation
from derivations.kernel.errors import InputError
from derivations.kernel.claims import MIN_TRIALS
from derivations.kernel.verdict import DEFAULT_BUDGET, DEFAULT_POINTS, MIN_POINTS, check_derivation
from derivations.kernel.report import Report

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
DEFAULT_NUMERIC_SAMPLES = 8


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise InputError(message)


def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < v <= 3600:
        raise argparse.ArgumentTypeError(f"must be between 0 and 3600 seconds: {text!r}")
    return v


def _count(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 10_000:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to 10000: {text!r}")
    return int(text)


def _points(text: str) -> int:
    n = _count(text)
    if n < MIN_POINTS:
        raise argparse.ArgumentTypeError(f"supported needs at least {MIN_POINTS} agreeing points: {text!r}")
    return n


def _samples(text: str) -> int:
    n = _count(text)
    if 0 < n < MIN_TRIALS:
        raise argparse.ArgumentTypeError(f"0 (skip) or at least {MIN_TRIALS} datasets: {text!r}")
    return n


def _seed(text: str) -> int:
    if not text.isdigit() or len(text) > 18:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to 10^18: {text!r}")
    return int(text)


def _targets(names: Sequence[str], numeric_samples: int, preamble: Optional[str] = None) -> list[Derivation]:
    out: list[Derivation] = []
    for name in names or list(BUILTINS):
        out.extend(load(name, numeric_samples, preamble))
    return out


def _cmd_list(args: argparse.Namespace) -> int:
    width = max(len(n) for n in BUILTINS)
    for b in BUILTINS.values():
        print(f"{b.name:<{width}}  {b.summary}")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    derivs = _targets(args.targets, args.numeric_samples, args.preamble)
    report = Report([check_derivation(d, budget=args.budget, points=args.points, seed=args.seed) for d in derivs],
                    seed=args.seed)
    print(report.to_json() if args.json else report.to_text())
    if not report.checked:
        print("derivations: nothing was checked (no row is a claim)", file=sys.stderr)
    return report.exit_status()


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="derivations", description="Check derivations step by step: proved, refuted, supported.")
    p.add_argument("--version", action="version", version="derivations 0.1.0")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    sub.add_parser("list", help="list the built-in derivations").set_defaults(func=_cmd_list)
    c = sub.add_parser("check", help="check built-ins, LaTeX files (.tex) or claims files (.toml)")
    c.add_argument("targets", nargs="*", metavar="NAME|FILE", help="built-in names or files (default: every built-in)")
    c.add_argument("--budget", type=_positive_float, default=DEFAULT_BUDGET, help="seconds per step (default 10)")
    c.add_argument("--points", type=_points, default=DEFAULT_POINTS,
                   help=f"random exact points for a numeric check (at least {MIN_POINTS}; default {DEFAULT_POINTS})")
    c.add_argument("--numeric-samples", type=_samples, default=DEFAULT_NUMERIC_SAMPLES,
                   help=f"random datasets per numeric check of a built-in (0 skips them, else at least {MIN_TRIALS})")
    c.add_argument("--seed", type=_seed, default=0, help="seed of the random points (default 0; in the report)")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    c.add_argument("--preamble", metavar="FILE", default=None,
                   help="a LaTeX file whose \\newcommand, \\def and \\DeclareMathOperator hold in every .tex file")
    c.set_defaults(func=_cmd_check)
    for module in ("derivations.frontends.nets_cli", "derivations.frontends.export_cli"):
        try:
            importlib.import_module(module).register(sub)
        except ImportError:
            pass
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point; returns the exit status (0 pass, 1 a step failed, 2 bad input, 3 internal error)."""
    try:
        args = _parser().parse_args(argv)
        return int(args.func(args))
    except InputError as exc:
        print(f"derivations: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("derivations: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - a user never sees a traceback
        print(f"derivations: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
