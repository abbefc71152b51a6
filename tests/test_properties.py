"""Never crash: arbitrary text and mutations of a good plan, checked in-process.

Whatever the text, checking it raises nothing, every finding lies inside the file, the JSON
report is JSON, and the same text gives the same findings twice. The hypothesis profile is in
`conftest.py`.
"""

from __future__ import annotations

import io
import json
from functools import lru_cache

from hypothesis import given
from hypothesis import strategies as st

from conftest import EXAMPLE_PLAN
from rollout_lint.diagnostics import Diagnostic
from rollout_lint.rules.checker import check_source
from rollout_lint.reporters import Summary
from rollout_lint.reporters.json_report import JsonReporter
from rollout_lint.rules import load_schema
from rollout_lint.schema.loading import TemplateSchema
from rollout_lint.markdown.source import Source

PLAN_LINES = EXAMPLE_PLAN.read_text(encoding="utf-8").split("\n")
# Markdown's active characters, so that random text reaches the parser's corners.
MARKDOWN = st.text(alphabet=st.sampled_from(list("*_`[]()<>!#|-~/\\:&\0 \t\r\nax1é\u2028")), max_size=300)


@lru_cache(maxsize=1)
def schema() -> TemplateSchema:
    return load_schema()


def assert_well_behaved(text: str) -> None:
    source = Source.from_text("plan.md", text)
    for mode in ("issue", "template"):
        diagnostics = check_source(source, schema(), mode)
        assert_inside(source, diagnostics)
        assert check_source(Source.from_text("plan.md", text), schema(), mode) == diagnostics
        assert_json_report(diagnostics, source)


def assert_inside(source: Source, diagnostics: list[Diagnostic]) -> None:
    """Every finding starts and ends on a line of the file, at a column of that line."""
    count = max(source.line_count, 1)
    for d in diagnostics:
        assert 1 <= d.line <= d.end_line <= count, d
        assert 1 <= d.column <= len(source.line(d.line)) + 1, d
        assert 1 <= d.end_column <= len(source.line(d.end_line)) + 1, d
        assert (d.end_line, d.end_column) >= (d.line, d.column), d


def assert_json_report(diagnostics: list[Diagnostic], source: Source) -> None:
    stream = io.StringIO()
    reporter = JsonReporter(stream)
    reporter.file(diagnostics, source)
    summary = Summary()
    summary.add(diagnostics)
    reporter.finish(summary)
    report = json.loads(stream.getvalue())
    assert len(report["diagnostics"]) == len(diagnostics)


@given(st.text(max_size=400))
def test_any_text(text: str) -> None:
    assert_well_behaved(text)


@given(MARKDOWN)
def test_any_markdown_punctuation(text: str) -> None:
    assert_well_behaved(text)


def mutated_plan() -> st.SearchStrategy[str]:
    """The good plan with lines deleted, duplicated, swapped, or text injected into a line."""
    index = st.integers(0, len(PLAN_LINES) - 1)
    mutation = st.one_of(
        st.tuples(st.just("delete"), index, index, st.just("")),
        st.tuples(st.just("duplicate"), index, index, st.just("")),
        st.tuples(st.just("swap"), index, index, st.just("")),
        st.tuples(st.just("inject"), index, st.integers(0, 200), MARKDOWN.filter(bool)),
    )
    return st.lists(mutation, min_size=1, max_size=6).map(_apply)


def _apply(mutations: list[tuple[str, int, int, str]]) -> str:
    lines = list(PLAN_LINES)
    for kind, first, second, text in mutations:
        first %= max(len(lines), 1)
        if not lines:
            lines = [text]
        elif kind == "delete":
            del lines[first]
        elif kind == "duplicate":
            lines.insert(first, lines[first])
        elif kind == "swap":
            second %= len(lines)
            lines[first], lines[second] = lines[second], lines[first]
        else:
            line = lines[first]
            column = second % (len(line) + 1)
            lines[first] = line[:column] + text + line[column:]
    return "\n".join(lines)


@given(mutated_plan())
def test_mutated_plan(text: str) -> None:
    assert_well_behaved(text)
