"""The LaTeX reader: ``load_tex(path)`` and ``read_tex_string(text)`` give Derivations of kernel claims.

It reads the input contract (``../shared/spec/latex-input.md``, version 2); the kernel decides every
verdict. The stages, a module each:

- ``source``: displays, rows, justifications, comments and declarations, with file positions;
  ``macros``: ``\\newcommand``/``\\def``/``\\DeclareMathOperator`` with arguments, under ``caps``;
- ``bars``: the row as the grammar reads it (Unicode letters, ``|`` roles, definition signs,
  upright subscript labels); ``parse`` with ``grammar.lark`` (LALR: a conflict is a build error);
- ``resolve``: the kind of every name in a display (index, size, label, family, integer, function);
- ``lower``, ``lower_atoms``, ``lower_nodes``: SymPy expressions; ``lower_rows``: the chain of a
  display into claims (equalities, inequalities, conditions, solving rows, noted rows);
- ``taint``: names an unread or ambiguous row may define, so later rows that use them are errors;
- ``pipeline``: the whole file, definitions (rule 7), assumptions and the readings of rule 14.

Where the text has two readings the reader never picks one: both are checked (``Readings``) or the
row is an ``error`` naming the construct. README's "Checking LaTeX derivations" lists the cases.
"""
from derivations.latex.pipeline import load_preamble, load_tex, read_tex_string

__all__ = ["load_preamble", "load_tex", "read_tex_string"]
