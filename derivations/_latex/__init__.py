"""The LaTeX reader: ``load_tex(path)`` and ``read_tex_string(text)`` give Derivations of kernel claims.

A lark grammar of our own reads displays (``align``, ``equation``, ``\\[...\\]``); the
kernel decides every verdict. See ``reader.py`` for the pipeline.
"""
from .reader import load_tex, read_tex_string

__all__ = ["load_tex", "read_tex_string"]
