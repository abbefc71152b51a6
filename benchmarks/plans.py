"""A seeded corpus of "[Model] Rollout Plan" issues, filled in the way people fill in the template.

    python benchmarks/plans.py OUT [--count 2000] [--seed 2026]

The template's outline, tables and quick actions, with paragraphs of varied length (some
wrapped), links in GitLab's forms, ISO and written-out dates, latency and rate ranges, labels.
About 70% are valid; the others carry one or two of the mistakes people make, named in the file
name (`plan-0042-missing-label.md`) so that a benchmark can check the verdicts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import textwrap
from pathlib import Path

SEED = 2026
COUNT = 2000
VALID_SHARE = 0.70
# Each mistake, with how often people make it relative to the others.
MISTAKES = {
    "date-placeholder": 3, "metric-placeholder": 2, "missing-section": 2, "missing-label": 2,
    "missing-confidential": 1, "missing-flag-link": 2, "dates-backwards": 2,
}  # fmt: skip
# Sections a hurried writer leaves out (the others hold what a plan cannot do without).
DROPPABLE = ("Legal notes", "Known issues", "Dashboard References", "Release Announcement")
AUDIENCES = ("Feature team members and other stakeholders", "All GitLab team members", "50% of all users",
             "100% of all users")  # fmt: skip
LABELS = ("type::feature", "feature::maintenance", "AI Model Migration")
MODELS = {
    "Claude": ("3.7 Sonnet", "Sonnet 4", "Sonnet 4.5", "Haiku 4.5"), "Gemini": ("2.0 Flash", "2.5 Flash", "2.5 Pro"),
    "GPT": ("4o", "4.1", "4.1 mini", "5"), "Codestral": ("25.01", "25.08"), "Orion": ("2", "3", "3 Turbo"),
}  # fmt: skip
FEATURES = (
    ("Code Suggestions", "code completions", "group::code creation"),
    ("Duo Chat", "chat answers", "group::duo chat"),
    ("Root Cause Analysis", "failed-job analyses", "group::pipeline execution"),
    ("Vulnerability Resolution", "vulnerability fixes", "group::threat insights"),
    ("Merge Request Summary", "merge request summaries", "group::code review"),
)
PROJECTS = ("gitlab-org/gitlab", "gitlab-org/editor-extensions/gitlab-lsp", "gitlab-com/gl-infra/production")
LANGUAGES = ("Python", "Go", "TypeScript", "Ruby", "Java", "Rust", "Kotlin", "C#")
# Sentences, filled from the plan's facts: {model} {old} {feature} {use} {slug} {flag} {lang} {n} {ref}.
OVERVIEW = (
    "{model} replaces {old} for {feature}.",
    "We are introducing {model} because it answers faster and scores higher on our evaluation set for {lang}.",
    "{old} is being deprecated, so we need to move {feature} to a supported model before the end of the quarter.",
    "In offline evaluations {model} improved the acceptance-weighted score by {n}% compared to {old}.",
    "The prompt was adjusted for the new model and reviewed with the prompt library maintainers.",
    "This plan covers GitLab.com first; self-managed and Dedicated instances follow with the next release.",
    "Early internal testing showed fewer irrelevant {use} and better handling of multi-file context.",
    "We ran a shadow deployment for a week in which {model} received a copy of {n}% of the traffic.",
    "Safety evaluations covering prompt injection were run and showed no regression against {old} ({ref}).",
)
CRITERIA = (
    "Acceptance rate at or above {old}'s for two consecutive weeks.",
    "p95 latency below {n}00 ms.",
    "No increase in the number of support tickets that mention {feature}.",
    "No open severity::1 or severity::2 issues caused by the model change.",
    "Evaluation score on the {lang} benchmark at or above the current baseline.",
)
KNOWN_ISSUES = (
    "Suggestions for {lang} are slightly shorter than with {old} ({ref}).",
    "The model sometimes wraps code in Markdown fences that the client has to strip ({ref}).",
    "Rare timeouts for requests with very large context; being investigated in {ref}.",
    "Streaming starts a little later for the first chunk, by about {n} ms at p50 ({ref}).",
)
LEGAL = (
    "Legal approved the model's terms of use in {ref}.",
    "No new sub-processor is involved, so no customer notification is needed.",
    "Prompts and outputs are not retained by the provider beyond the abuse-monitoring window.",
)
FEEDBACK = (
    "Please leave feedback in {ref}; the team triages it daily during the rollout.",
    "We also watch the #{slug} Slack channel and copy anything actionable into {ref}.",
    "The feedback issue has a short template asking for the prompt, the result and what was expected.",
)
MITIGATION = (
    "We will use a [feature flag](https://docs.gitlab.com/operations/feature_flags/) to control the rollout.",
    "Disabling `{flag}` routes all requests back to {old} within a minute, without a deployment.",
    "The on-call engineer can toggle the flag with ChatOps: `/chatops run feature set {flag} false`.",
)
RELEASE = (
    "A release post item will be added for the next monthly release ({ref}).",
    "Announce in the {feature} release post and in #{slug} on Slack.",
    "Support gets a heads-up a week before the 100% stage with a short FAQ.",
)
PERSEVERE = (
    "Latency remains within observed p50/90/95 ranges",
    "Success/acceptance rate remains within observed range or improves",
    "No blockers have been identified",
)
PIVOT = (
    "Requests are not using the new model as expected",
    "There is an increase or spike in latency for the new model vs the old model",
    "There is a decrease in success/acceptance rate compared to the old model",
)
STATUSES = (("Done", "Done ✅", "Completed"), ("In progress", "Rolling out"), ("", "", "Planned"))


class PlanWriter:
    """One plan's facts, chosen up front so that its sections agree, and the text they make."""

    def __init__(self, rng: random.Random, mistakes: list[str]) -> None:
        self.rng, self.mistakes = rng, mistakes
        family = rng.choice(list(MODELS))
        self.model = f"{family} {rng.choice(MODELS[family])}"
        old_family = rng.choice(list(MODELS))
        self.old = f"{old_family} {rng.choice(MODELS[old_family])}"
        self.feature, self.use, self.group = rng.choice(FEATURES)
        self.slug = re.sub(r"[^a-z0-9]+", "-", self.model.lower()).strip("-")
        self.issue = rng.randint(400_000, 580_000)
        self.wrap = rng.choice((0, 0, 80, 100, 120))  # most let the editor wrap prose
        start = dt.date(2025, 1, 6) + dt.timedelta(days=rng.randrange(900))
        self.dates = [start]
        for _ in range(3):
            self.dates.append(self.dates[-1] + dt.timedelta(days=rng.choice((0, 3, 7, 7, 14, 21))))

    def ref(self) -> str:
        number, project = self.issue + self.rng.randint(1, 3000), self.rng.choice(PROJECTS)
        return self.rng.choice((f"#{number}", f"{project}#{number}", f"https://gitlab.com/{project}/-/issues/{number}"))

    def fill(self, sentence: str) -> str:
        flag = self.slug.replace("-", "_")
        return sentence.format(
            model=self.model, old=self.old, feature=self.feature, use=self.use, slug=self.slug, flag=flag,
            lang=self.rng.choice(LANGUAGES), n=self.rng.randint(2, 40), ref=self.ref(),
        )  # fmt: skip

    def paragraph(self, pool: tuple[str, ...], low: int, high: int) -> str:
        text = " ".join(self.fill(s) for s in self.rng.sample(pool, self.rng.randint(low, high)))
        return textwrap.fill(text, self.wrap, break_long_words=False, break_on_hyphens=False) if self.wrap else text

    def bullets(self, pool: tuple[str, ...], low: int, high: int, numbered: bool = False) -> str:
        items = self.rng.sample(pool, self.rng.randint(low, high))
        return "\n".join(f"{f'{i}.' if numbered else '-'} {self.fill(s)}" for i, s in enumerate(items, 1))

    def date(self, day: dt.date) -> str:
        forms = (day.isoformat(), f"{day:%b} {day.day}, {day.year}", f"{day.day} {day:%B %Y}")
        return self.rng.choices(forms, (15, 1, 1))[0]

    def resources(self) -> str:
        flag = f"https://gitlab.com/gitlab-org/gitlab/-/issues/{self.issue}"
        flag = self.rng.choice((flag, f"gitlab-org/gitlab#{self.issue}", f"[Rollout `{self.slug}`]({flag})"))
        if "missing-flag-link" in self.mistakes:
            flag = self.rng.choice(("", "TBD", f"`{self.slug}`"))
        rows = (("Model", f"https://docs.example.com/models/{self.slug}"), ("Epic or Issue", f"&{self.issue // 40}"),
                ("Feature Flag Rollout Issue", flag), ("Status updates", self.ref()))  # fmt: skip
        return "\n".join(["| Resource | Links |", "| --- | --- |", *(f"| {name} | {link} |" for name, link in rows)])

    def timeline(self) -> str:
        written = [self.date(day) for day in self.dates]
        if self.rng.random() < 0.08 and self.dates[2] > self.dates[1]:
            written[2] = f"~~{self.dates[1].isoformat()}~~ {written[2]}"  # a rescheduled stage
        if "dates-backwards" in self.mistakes:
            written[3] = (self.dates[2] - dt.timedelta(days=self.rng.choice((1, 30, 365)))).isoformat()
        if "date-placeholder" in self.mistakes:
            written[self.rng.randint(1, 3) :] = ["???"] * 3
        started = self.rng.randint(0, 4)
        status = [self.rng.choice(STATUSES[0 if i < started - 1 else 1 if i == started - 1 else 2]) for i in range(4)]
        rows = (f"| {d} | {a} | {s} |" for d, a, s in zip(written[:4], AUDIENCES, status))
        return "\n".join(["| Date | Audience | Status |", "|------|----------|--------|", *rows])

    def observed(self) -> list[str]:
        ranges, low, high = [], self.rng.randrange(120, 900, 10), 0
        in_seconds = self.rng.random() < 0.3  # some write "1.2 s to 1.5 s" past a second
        for _ in range(3):  # p50, p90, p95: each range's ends at least the previous one's
            high = max(low, high) + self.rng.randrange(20, 200, 10)
            seconds = in_seconds and low >= 1000
            ranges.append(f"{low / 1000:g} s to {high / 1000:g} s" if seconds else f"{low} ms to {high} ms")
            low += self.rng.randrange(50, 600, 10)
        rate = self.rng.randint(18, 90)
        rates = [f"{rate}% to {rate + self.rng.randint(0, 8)}%"]
        if "metric-placeholder" in self.mistakes:
            self.rng.choice((ranges, rates))[0] = self.rng.choice(("X ms to Y ms", "X% to Y%"))
        end = self.dates[0] - dt.timedelta(days=self.rng.randint(2, 12))
        span = f"from {self.date(end - dt.timedelta(days=14))} to {self.date(end)}"
        latency = "\n".join(f"* {name}: {value}" for name, value in zip(("p50", "p90", "p95"), ranges))
        rate_line = f"* Rate: {rates[0]}"
        return [f"_Observed latency {span}_", latency, f"_Observed success/acceptance rate {span}_", rate_line]

    def quick_actions(self) -> str:
        labels = [label for label in LABELS if "missing-label" not in self.mistakes or label != LABELS[self.issue % 3]]
        labels += [self.group, *self.rng.sample(("devops::ai-powered", "workflow::in dev", "priority::2"), 2)]
        lines = [] if "missing-confidential" in self.mistakes else ["/confidential"]
        one_line = self.rng.random() < 0.3  # `/label ~"a" ~"b"`, or one `/label "a"` a line
        lines += ["/label " + " ".join(f'~"{x}"' for x in labels)] if one_line else [f'/label "{x}"' for x in labels]
        return "\n".join(lines + [f"/assign @{self.rng.choice(('jdoe', 'lchen', 'pnair'))}"] * self.rng.randint(0, 1))

    def text(self) -> str:
        dropped = self.rng.choice(DROPPABLE) if "missing-section" in self.mistakes else None
        rng, para = self.rng, self.paragraph
        sections = {
            "## Overview": [*(para(OVERVIEW, 3, 7) for _ in range(rng.randint(2, 5))), self.resources()],
            "### Rollout success criteria": [self.bullets(CRITERIA, 2, 5)],
            "### Dashboard References": [
                "\n".join(f"- [{name} by model](https://dashboards.gitlab.net/d/{name.lower()}?var-model={self.slug})"
                          for name in rng.sample(("Acceptance", "Latency", "Errors", "Tokens"), rng.randint(1, 4)))
            ],  # fmt: skip
            "## Legal notes": [para(LEGAL, 1, 3)],
            "## Known issues": [self.bullets(KNOWN_ISSUES, 1, 4)],
            "## Rollout": [],
            "### Timeline": [para(OVERVIEW, 1, 2), self.timeline()],
            "### Feedback from GitLab team members": [para(FEEDBACK, 1, 3)],
            "### Persevere / Continue Criteria": [self.bullets(PERSEVERE, 3, 3, numbered=True), *self.observed()],
            "### Pivot / Pause / Rollback Criteria": [self.bullets(PIVOT, 2, 3, numbered=True)],
            "## Mitigation and Rollback Plan": [para(MITIGATION, 2, 3)],
            "## Release Announcement": [para(RELEASE, 1, 3) for _ in range(rng.randint(1, 2))],
        }
        blocks = [
            "<!-- Title suggestion: [Model] Rollout Plan -->",
            "<!-- Do not remove this confidential declaration and make sure to mark this issue as confidential! -->",
            "_The issue is marked confidential, as we'll share SAFE metrics in the comments._",
        ]
        for heading, body in sections.items():
            if heading.lstrip("# ") != dropped:
                blocks += [heading, *body]
        return "\n\n".join([*blocks, self.quick_actions()]) + "\n"


def write_corpus(out: Path, count: int = COUNT, seed: int = SEED) -> list[Path]:
    """Write `count` plans into `out`; the same seed writes the same files."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for index in range(1, count + 1):
        # No mistake in a valid plan; otherwise one, sometimes two.
        mistakes = [] if rng.random() < VALID_SHARE else rng.choices(list(MISTAKES), list(MISTAKES.values()), k=2)
        mistakes = sorted(set(mistakes[: 1 if rng.random() < 0.85 else 2]))
        path = out / ("-".join([f"plan-{index:04d}", *mistakes]) + ".md")
        path.write_text(PlanWriter(rng, mistakes).text(), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the plans into")
    parser.add_argument("--count", type=int, default=COUNT, help=f"number of plans (default {COUNT})")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    arguments = parser.parse_args(argv)
    write_corpus(arguments.out, arguments.count, arguments.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
