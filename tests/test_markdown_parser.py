"""The parser is markdown-it's own below its bounds, and past them loses only what is past them.

`gitlab_parser()` is markdown-it with the `gitlab_bounds` plugin. Within the bounds its tokens
(type, map, content, children...) and `env` must be those of stock markdown-it, set up here from
markdown-it's public options alone, on every text: the CommonMark spec examples, the corpus, the
fixtures and random text. Past them, the tests below say what is lost and what is kept.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from conftest import OWN_FILES, ROOT, needs_shared, shared_corpus
from rollout_lint.markdown import parser as parser_module
from rollout_lint.markdown.document import parse_document
from rollout_lint.markdown.parser import MAX_INLINE_LENGTH, MAX_NESTING, gitlab_parser, parse_markdown
from rollout_lint.markdown.source import Source

sys.path.insert(0, str(ROOT / "benchmarks"))
from plans import write_corpus  # noqa: E402  (the benchmark's generator: a script, not a package)

# Characters that steer markdown-it: indentation, line breaks, block and inline markers.
MARKDOWN_ALPHABET = st.sampled_from(
    [" ", "  ", "\t", "\n", "\n\n", "a", "b c", ">", "- ", "1. ", "#", "|", "*", "_", "`", "[", "]", "(", ")"]
    + ["<!--", "-->", "\\", "&amp;", ":", "!", "~~", "http://x.y", "\r", "\0"]
)
markdown_texts = st.lists(MARKDOWN_ALPHABET, max_size=60).map("".join)


def stock_parser() -> MarkdownIt:
    """markdown-it as shipped, with GitLab's extensions and the same nesting limit."""
    return MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])


def _tokens_and_env(parser: MarkdownIt, text: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    env: dict[str, Any] = {}
    tokens = parser.parse(text, env)
    return [token.as_dict() for token in tokens], env


def _own_texts() -> list[tuple[str, str]]:
    paths = [*OWN_FILES, ROOT / "examples" / "draft-plan.md", ROOT / "schemas" / "model-rollout-plan.md"]
    return [(str(path.relative_to(ROOT)), path.read_text("utf-8", "replace")) for path in paths]


def nested_list(depth: int) -> str:
    return "".join(f"{'  ' * level}- item {level + 1}\n" for level in range(depth))


@given(markdown_texts)
def test_tokens_match_stock_markdown_it_on_random_text(text: str) -> None:
    assume(parse_markdown(text)[1] is None)  # within the nesting bound (60 pieces rarely reach it)
    assert _tokens_and_env(gitlab_parser(), text) == _tokens_and_env(stock_parser(), text)


def test_tokens_match_stock_markdown_it_on_our_fixtures_and_template() -> None:
    texts = _own_texts()
    assert len(texts) > 40
    stock = stock_parser()
    for name, text in texts:
        assert _tokens_and_env(gitlab_parser(), text) == _tokens_and_env(stock, text), name


@needs_shared
def test_tokens_match_stock_markdown_it_on_the_spec_examples_and_templates() -> None:
    texts = shared_corpus()
    assert len(texts) >= 655 + 29
    stock = stock_parser()
    for name, text in texts:
        assert _tokens_and_env(gitlab_parser(), text) == _tokens_and_env(stock, text), name


def _paragraphs_and_headings(tokens: list[Any]) -> list[tuple[str, str, list[int] | None]]:
    return [
        (opening.type, inline.content, opening.map)
        for opening, inline in zip(tokens, tokens[1:])
        if opening.type in ("paragraph_open", "heading_open")
    ]


@pytest.mark.parametrize("depth", [MAX_NESTING // 2 + 1, 40, 1_000])
def test_a_list_nested_too_deep_loses_only_its_deepest_items(depth: int) -> None:
    # List level k is read at nesting 2k: items 1 to 31 are read, item 32 on is not.
    text = nested_list(depth) + "\n## After\n\ntext\n"
    tokens, truncated_at = parse_markdown(text)
    assert truncated_at == MAX_NESTING // 2
    after = [("heading_open", "After", [depth + 1, depth + 2]), ("paragraph_open", "text", [depth + 3, depth + 4])]
    read = [("paragraph_open", f"item {k}", [k - 1, k]) for k in range(1, MAX_NESTING // 2)]
    assert _paragraphs_and_headings(tokens) == read + after
    # markdown-it itself skips the rest of the parent's range: the heading after the list too.
    assert _paragraphs_and_headings(stock_parser().parse(text)) == read


def test_a_list_just_within_the_nesting_bound_is_read_whole() -> None:
    text = nested_list(MAX_NESTING // 2 - 1) + "\n## After\n"
    tokens, truncated_at = parse_markdown(text)
    assert truncated_at is None
    assert _tokens_and_env(gitlab_parser(), text) == _tokens_and_env(stock_parser(), text)


def test_a_quote_nested_too_deep_loses_only_itself() -> None:
    text = "para\n\n" + "> " * (MAX_NESTING + 10) + "deep\n" + "> " * (MAX_NESTING + 10) + "deeper\n\nafter\n"
    tokens, truncated_at = parse_markdown(text)
    assert truncated_at == 3
    assert _paragraphs_and_headings(tokens) == [("paragraph_open", "para", [0, 1]), ("paragraph_open", "after", [5, 6])]


def test_inline_text_up_to_the_bound_is_markdown_its_and_longer_is_plain_text() -> None:
    within = "*a*b" * (MAX_INLINE_LENGTH // 4)
    assert len(within) == MAX_INLINE_LENGTH
    assert _tokens_and_env(gitlab_parser(), within) == _tokens_and_env(stock_parser(), within)
    assert "em_open" in {child.type for child in gitlab_parser().parse(within)[1].children or []}
    for text in (within + "c", f"# {within}c", f"| {within}c |\n| - |\n"):
        inline = next(token for token in gitlab_parser().parse(text) if token.type == "inline")
        assert inline.content == within + "c", text[:10]
        assert [(child.type, child.content) for child in inline.children or []] == [("text", within + "c")]


# The check's parse leaves table cells unparsed unless they may hold a comment (`parse_markdown`);
# the oracle is the `Document` built from the whole parse, itself held to stock markdown-it above.
CELLS_WITH_COMMENTS = (
    "| a | b |\n|---|---|\n| x <!-- hidden --> | `<!-- code, not a comment -->` |\n"
    "| **x** \\| y | [l](http://x.y) <!-- one\n\n# After\n\n| h |\n|---|\n| <!-- two --> |\n"
)


def _whole_parse(text: str) -> tuple[list[Any], int | None]:
    env: dict[str, Any] = {}
    tokens = gitlab_parser().parse(text, env)
    return tokens, env.get("rollout_lint_truncated_at")


def _documents_alike(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    source = Source.from_text("plan.md", text)
    as_checked = parse_document(source)
    with monkeypatch.context() as patched:
        patched.setattr(parser_module, "parse_markdown", _whole_parse)
        assert parse_document(source) == as_checked


def test_the_check_leaves_cells_without_a_comment_unparsed() -> None:
    tokens, _ = parse_markdown(CELLS_WITH_COMMENTS)
    cells = [
        (token.content, [child.type for child in token.children or []])
        for opening, token in zip(tokens, tokens[1:])
        if opening.type in ("td_open", "th_open")
    ]
    assert cells == [
        ("a", []),
        ("b", []),
        ("x <!-- hidden -->", ["text", "html_inline"]),
        ("`<!-- code, not a comment -->`", ["code_inline"]),
        ("**x** | y", []),  # the table rule unescapes `\\|`
        ("[l](http://x.y) <!-- one", ["link_open", "text", "link_close", "text"]),
        ("h", []),
        ("<!-- two -->", ["html_inline"]),
    ]


def test_the_checks_document_is_the_whole_parses_on_cells_with_comments(monkeypatch: pytest.MonkeyPatch) -> None:
    _documents_alike(CELLS_WITH_COMMENTS, monkeypatch)
    document = parse_document(Source.from_text("plan.md", CELLS_WITH_COMMENTS))
    assert [comment.text for comment in document.comments] == ["hidden", "two"]


def test_the_checks_document_is_the_whole_parses_on_our_fixtures_and_the_benchmark_plans(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plans = write_corpus(tmp_path, 30)
    texts = [text for _, text in _own_texts()] + [path.read_text("utf-8") for path in plans]
    with_tables = [text for text in texts if any(token.type == "table_open" for token in parse_markdown(text)[0])]
    assert len(with_tables) > 80  # 85 of 92: the plans and nearly every fixture
    for text in texts:
        _documents_alike(text, monkeypatch)


@needs_shared
def test_the_checks_document_is_the_whole_parses_on_the_spec_examples_and_templates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for _, text in shared_corpus():
        _documents_alike(text, monkeypatch)


@given(markdown_texts)
def test_the_checks_document_is_the_whole_parses_on_random_text(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _documents_alike(text, monkeypatch)
