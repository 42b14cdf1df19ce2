"""Lexicon changes for tests: what `marsad reprocess` meets after someone edits a lexicon file."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from marsad.lexicon.load import Lexicon


def weapons_without(real: Callable[[str], Lexicon], dropped: set[str]) -> Callable[[str], Lexicon]:
    """A ``load_lexicon`` like ``real`` whose weapons lexicon has lost the forms in ``dropped``."""
    def load(name: str) -> Lexicon:
        lex = real(name)
        if name != "weapons":
            return lex
        return replace(lex, entries=tuple(replace(e, forms=tuple(f for f in e.forms if f not in dropped))
                                          for e in lex.entries))
    return load
