"""Network counts: architecture specs, per-layer counts, their proofs, and the claims checker.

``spec`` reads and validates architectures, ``counts`` counts them, ``proofs`` has the
kernel prove the count formulas, ``claims`` turns a claims file into kernel steps,
``refconv`` checks the formulas against a counting reference convolution.
"""
from __future__ import annotations

__all__: list[str] = []
