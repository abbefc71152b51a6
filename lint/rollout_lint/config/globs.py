"""Glob matching in time linear in the path, whatever the glob.

A glob turned into a regular expression backtracks: `*a*a*a*a*a*a*a*a*b` against a name of
sixty `a`s took Python's `re` a minute, and seven `**/` on a path sixty directories deep as
long (pathspec and wcmatch also hand their globs to `re`). A glob is a regular language, so
here it is an automaton instead: the set of positions in the glob that the path read so far
can have reached, stepped one character at a time. Each set met is numbered and its steps
are remembered (a DFA built as the paths need it), so the common case costs a dictionary
look-up per character.

The syntax: `*` is any run of characters but `/`, `?` one character but `/`, `[a-z]` and
`[!a]` one character (never `/`) in or not in the class, `**/` any number of whole
directories, `**` anywhere else any characters, `/` included; everything else is itself.
"""

from __future__ import annotations

from typing import NamedTuple

# What each position of a compiled glob does with the next character of the path.
_CHAR, _CLASS, _STAR, _ANY, _DIRECTORIES, _SKIP = range(6)
# _CHAR: that character, then the next position. _CLASS: a character of the class (not `/`),
# then the next. _STAR: a character but `/`, and stays; or moves on without one. _ANY: any
# character, and stays; or moves on. _DIRECTORIES: any character, and stays; after a `/` it may
# also move on. _SKIP: moves on to the next position or the one after, without a character
# (before a _DIRECTORIES, which must read at least the `/`: `**/` may match nothing at all).


class GlobError(ValueError):
    """A glob that cannot be read; the message says why."""


class _Class(NamedTuple):
    negated: bool
    members: frozenset[str]
    ranges: tuple[tuple[str, str], ...]

    def admits(self, char: str) -> bool:
        found = char in self.members or any(low <= char <= high for low, high in self.ranges)
        return char != "/" and found != self.negated


_ONE_CHARACTER = _Class(True, frozenset(), ())  # `?`


class _Position(NamedTuple):
    kind: int
    char: str = ""  # of a _CHAR
    members: _Class = _ONE_CHARACTER  # of a _CLASS


class Glob:
    """A compiled glob, matched against a whole `/`-separated path or against its directories."""

    def __init__(self, glob: str) -> None:
        self._positions = _compile(glob)
        self._accept = len(self._positions)
        self._sets: list[frozenset[int]] = []  # DFA state -> the glob positions it stands for
        self._numbers: dict[frozenset[int], int] = {}
        self._moves: list[dict[str, int]] = []  # DFA state -> character -> next DFA state
        self._accepting: list[bool] = []
        self._dead = self._number(frozenset())
        self._start = self._number(self._closure({0}))

    def fullmatch(self, path: str) -> bool:
        """Whether the glob matches all of `path`."""
        return self._run(path, at_slash=False)

    def matches_a_directory_of(self, path: str) -> bool:
        """Whether the glob matches `path` or one of the directories it is in (a prefix of it
        that ends before a `/`): one pass over `path`, whatever its depth."""
        return self._run(path, at_slash=True)

    def _run(self, path: str, at_slash: bool) -> bool:
        state, moves, accepting, dead = self._start, self._moves, self._accepting, self._dead
        for char in path:
            if at_slash and char == "/" and accepting[state]:
                return True
            following = moves[state].get(char)
            state = self._advance(state, char) if following is None else following
            if state == dead:
                return False
        return accepting[state]

    def _advance(self, state: int, char: str) -> int:
        """The DFA state after `char` from `state`, worked out from the glob once and remembered."""
        following: set[int] = set()
        for position in self._sets[state]:
            if position == self._accept:
                continue
            kind, literal, members = self._positions[position]
            if kind == _CHAR:
                if char == literal:
                    following.add(position + 1)
            elif kind == _CLASS:
                if members.admits(char):
                    following.add(position + 1)
            elif kind == _STAR:
                if char != "/":
                    following.add(position)
            elif kind == _ANY:
                following.add(position)
            elif kind == _DIRECTORIES:
                following.add(position)
                if char == "/":
                    following.add(position + 1)
        number = self._number(self._closure(following))
        self._moves[state][char] = number
        return number

    def _closure(self, positions: set[int]) -> frozenset[int]:
        """`positions` and every position reached from them without reading a character."""
        reached = set(positions)
        waiting = list(positions)
        while waiting:
            position = waiting.pop()
            if position == self._accept:
                continue
            kind = self._positions[position][0]
            targets = (position + 1,) if kind in (_STAR, _ANY) else (position + 1, position + 2) if kind == _SKIP else ()
            for target in targets:
                if target not in reached:
                    reached.add(target)
                    waiting.append(target)
        return frozenset(reached)

    def _number(self, positions: frozenset[int]) -> int:
        number = self._numbers.get(positions)
        if number is None:
            number = self._numbers[positions] = len(self._sets)
            self._sets.append(positions)
            self._moves.append({})
            self._accepting.append(self._accept in positions)
        return number


def _compile(glob: str) -> list[_Position]:
    positions: list[_Position] = []
    index = 0
    while index < len(glob):
        if glob.startswith("**/", index):
            positions += [_Position(_SKIP), _Position(_DIRECTORIES)]
            index += 3
            continue
        if glob.startswith("**", index):
            positions.append(_Position(_ANY))
            index += 2
            continue
        char = glob[index]
        if char == "*":
            positions.append(_Position(_STAR))
        elif char == "?":
            positions.append(_Position(_CLASS))
        elif char == "[" and (end := _class_end(glob, index)) != -1:
            positions.append(_Position(_CLASS, members=_read_class(glob, glob[index + 1 : end])))
            index = end
        else:
            positions.append(_Position(_CHAR, char))
        index += 1
    return positions


def _class_end(glob: str, start: int) -> int:
    """The index of the `]` that closes the class opened at `start`, or -1 (a plain `[`)."""
    first = start + 2 if glob.startswith("[!", start) else start + 1
    # A `]` first in the class is a member, not its end (as in fnmatch and gitignore).
    return glob.find("]", first + 1)


def _read_class(glob: str, inside: str) -> _Class:
    negated = inside.startswith("!")
    inside = inside[1:] if negated else inside
    members: set[str] = set()
    ranges: list[tuple[str, str]] = []
    index = 0
    while index < len(inside):
        # `a-z` is a range; a `-` first or last is itself.
        if index + 2 < len(inside) and inside[index + 1] == "-":
            low, high = inside[index], inside[index + 2]
            if low > high:
                raise GlobError(f"invalid glob {glob!r}: the range '{low}-{high}' is reversed")
            ranges.append((low, high))
            index += 3
        else:
            members.add(inside[index])
            index += 1
    return _Class(negated, frozenset(members), tuple(ranges))
