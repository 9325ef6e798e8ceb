"""The LaTeX reader: ``load_tex(path)`` and ``read_tex_string(text)`` give Derivations of kernel claims.

A lark grammar of our own (grammar.lark, LALR: no input is read two ways) reads the displays
of /work/shared/spec/latex-input.md; the kernel decides every verdict. Choices beyond the contract:

- Rows: ``aligned``/``split`` inside a display are transparent; ``\\intertext{}`` separates rows; a
  final ``\\text{...}`` is a justification too; trailing ``. , ;`` are ignored. A row continues the
  previous expression when that one ends in an operator or open bracket, or when it starts (after
  ``&``) with ``+ - \\cdot \\times``.
- Never guessed (an ``error`` step instead): ``a/b c``, ``a/b/c``, ``\\log(a)^2``, ``x^23``, ``x_12``,
  two numbers side by side (``34\\,848``), ``\\left(``...``\\right.``, text inside maths.
- ``e`` with a superscript is Euler's number, bare ``e`` a letter; ``\\pi`` is the constant, ``\\pi_k``
  a family; ``\\hat{x}``, ``\\bar{x}``, ``\\tilde{x}`` are letters of their own.
- ``\\sum_i`` without limits takes the range of ``% assume: 1 \\leq i \\leq D``; else it is an error.
- Kinds, decided per display: letters used as indices (subscripts, ``^{(m)}``, sum indices,
  indicator sides) are integers; free letters in upper limits are sizes (positive integers, in
  ``Assumptions.sizes``); a family used as an index or in an indicator is an integer label family;
  ``% assume: v > 0`` (or ``v_i > 0``) makes the symbol (or family) positive. A letter used both
  plain and as a family in one display is an error.
- Context assumptions, listed in ``Assumptions.statements``: a label compared in an indicator with
  an index ranging over 1..K (sum limits or assumption) lies in 1..K unless an assumption says
  otherwise; limits of a sum or product are in order (``3 <= N`` for ``\\sum_{i=3}^{N}``);
  ``N_k \\geq 1`` (``\\sum_m 1[y^{(m)} = k] \\geq 1``) with ``1 \\leq k \\leq K`` means every class appears.
- Assumptions: ``=`` is refused (use ``:=``), ``\\neq`` only against 0; relations about names a
  display does not use are left out of it.
- Derivatives: one alone on a side is a ``DerivativeOf`` claim (the kernel differentiates); two,
  with respect to the same variable, claim ``d(F - G)/dv = 0``; one inside a larger expression is
  computed when read (SymPy ``diff``; for ``s^2``, d/d(s^2) = (1/2s) d/ds).
- Solving: the last equation before an arrow is a premise. ``dF/dv = G \\implies v = R`` claims the
  derivative and that R solves ``G = 0``; ``dF/dv = 0 \\implies ...`` solves ``dF/dv = 0``. Equations
  after an arrow that are not ``v = R`` are premises too, each checked against the final solution;
  no final solution is an error. ``\\hat{v} = R`` solves for ``v`` when only ``v`` is in the premises.
- Definitions hold from the next row on; a function name used bare means its own parameters;
  ``f(x)^2`` is (f(x))^2; a name defined without arguments and written with ``(...)`` is an error.
- Macros without parameters (``\\newcommand``, ``\\def``) expand, except over commands the grammar
  reads; a macro with parameters is an error where used. ``\\input``, ``\\include``, ``\\write18``
  and ``\\catcode`` are reported, never followed.
- Unicode: bidi controls and zero-width characters reject the file (InputError); lines are NFKC
  normalised, except super/subscript characters, which stay visible and are refused in maths with
  any other non-ASCII character (look-alike letters are named).
- Caps (caps.py) are checked before any work; over a cap a step or the file gets an ``error``.
"""
from derivations.latex.pipeline import load_preamble, load_tex, read_tex_string

__all__ = ["load_preamble", "load_tex", "read_tex_string"]
