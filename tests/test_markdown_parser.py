"""The parser's speed-ups change nothing: the same tokens as markdown-it-py's own code.

`gitlab_parser()` replaces two of markdown-it's per-character loops (the block state's line
index and the inline `text` rule); `bounded_parser()` is the same parser without them. Both
must give equal tokens (type, map, content, children...) and the same `env` on every text.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it.rules_block import StateBlock

from conftest import OWN_FILES, ROOT, needs_shared, shared_corpus
from rollout_lint.markdown.parser import TEXT_TERMINATORS, bounded_parser, gitlab_parser, line_index

# Characters that steer markdown-it: indentation, line breaks, block and inline markers.
MARKDOWN_ALPHABET = st.sampled_from(
    [" ", "  ", "\t", "\n", "\n\n", "a", "b c", ">", "- ", "1. ", "#", "|", "*", "_", "`", "[", "]", "(", ")"]
    + ["<!--", "-->", "\\", "&amp;", ":", "!", "~~", "http://x.y", "\r", "\0"]
)
markdown_texts = st.lists(MARKDOWN_ALPHABET, max_size=60).map("".join)


def _normalised(text: str) -> str:
    """The text as markdown-it's `normalize` rule hands it to the block parser."""
    return re.sub(r"\r\n?", "\n", text).replace("\0", "\ufffd")


def _markdown_it_line_index(text: str) -> tuple[list[int], ...]:
    state = StateBlock(text, bounded_parser(), {}, [])
    return state.bMarks, state.eMarks, state.tShift, state.sCount


def _tokens_and_env(parser: Any, text: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    env: dict[str, Any] = {}
    tokens = parser.parse(text, env)
    return [token.as_dict() for token in tokens], env


def _own_texts() -> list[tuple[str, str]]:
    paths = [*OWN_FILES, ROOT / "examples" / "draft-plan.md", ROOT / "schemas" / "model-rollout-plan.md"]
    return [(str(path.relative_to(ROOT)), path.read_text("utf-8", "replace")) for path in paths]


def test_text_rule_stops_where_markdown_its_does() -> None:
    text_rule = importlib.import_module("markdown_it.rules_inline.text")
    assert set(TEXT_TERMINATORS) == text_rule._TerminatorChars


@pytest.mark.parametrize(
    "text",
    ["", "\n", "a", "a\n", "  ", "a\n  ", "a\n \t", "\tb\n  c\n\n", " \t x\n", "a\n\n\nb", "x\n\t\t y\n   \t z"],
)
def test_line_index_matches_markdown_it_at_the_edges(text: str) -> None:
    assert line_index(text) == _markdown_it_line_index(text)


@given(markdown_texts)
def test_line_index_matches_markdown_it_on_random_text(text: str) -> None:
    assert line_index(text) == _markdown_it_line_index(text)


@given(markdown_texts)
def test_tokens_match_markdown_it_on_random_text(text: str) -> None:
    assert _tokens_and_env(gitlab_parser(), text) == _tokens_and_env(bounded_parser(), text)


def test_tokens_match_markdown_it_on_our_fixtures_and_template() -> None:
    texts = _own_texts()
    assert len(texts) > 40
    reference = bounded_parser()
    for name, text in texts:
        assert line_index(_normalised(text)) == _markdown_it_line_index(_normalised(text)), name
        assert _tokens_and_env(gitlab_parser(), text) == _tokens_and_env(reference, text), name


@needs_shared
def test_tokens_match_markdown_it_on_the_spec_examples_and_templates() -> None:
    texts = shared_corpus()
    assert len(texts) >= 655 + 29
    reference = bounded_parser()
    for name, text in texts:
        assert line_index(_normalised(text)) == _markdown_it_line_index(_normalised(text)), name
        assert _tokens_and_env(gitlab_parser(), text) == _tokens_and_env(reference, text), name
