"""The fix stage: `check --fix` and `check --diff`.

A finding that can be fixed without guessing the author's content carries its fix: the edits
its rule made from the template (`rules/*.py`, each rule's `fix`). Here they are laid out and
applied (`edits`), checked so that nothing is lost (`nothing_lost`), and repeated in rounds to
a fixed point, one check a round (`fixer`). What goes in is the template's own text; the only
reformatting is mdformat tidying a table the fix inserts.
"""

from .fixer import Fixer, FixResult, fix_source, fixable

__all__ = ["FixResult", "Fixer", "fix_source", "fixable"]
