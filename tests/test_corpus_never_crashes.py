"""Every CommonMark spec example and every real GitLab template, in both modes: no crash, and
every finding inside its file. In-process, for speed."""

from __future__ import annotations

from conftest import needs_shared, shared_corpus
from rollout_lint.rules.checker import check_source
from rollout_lint.rules import load_schema
from rollout_lint.markdown.source import Source

pytestmark = needs_shared


def test_every_spec_example_and_template_checks_in_both_modes() -> None:
    texts = shared_corpus()
    assert len(texts) >= 655 + 29
    schema = load_schema()
    for name, text in texts:
        source = Source.from_text(name, text)
        for mode in ("issue", "template"):
            for d in check_source(source, schema, mode):
                assert d.rule != "RL000", (name, d)
                assert 1 <= d.line <= d.end_line <= max(source.line_count, 1), (name, mode, d)
                assert 1 <= d.column <= len(source.line(d.line)) + 1, (name, mode, d)
