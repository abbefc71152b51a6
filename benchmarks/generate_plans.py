"""Generate a seeded corpus of realistic "[Model] Rollout Plan" issue descriptions.

Every plan is written from the template's outline (the same sections, tables and quick
actions as `/work/shared/templates/model-rollout-plan.md`), filled in the way people fill it
in: prose paragraphs of varied length, links in several GitLab forms, ISO dates (a few in
other readable forms), latency and acceptance-rate ranges and labels. About 70% of the plans
are valid; the rest carry one or two of the mistakes people actually make:

    date-placeholder      a `???` date left in the timeline
    metric-placeholder    an `X ms to Y ms` / `X% to Y%` metric left in
    missing-section       a section of the template left out
    missing-label         one of the three required labels not applied
    missing-confidential  the /confidential quick action dropped
    missing-flag-link     the Feature Flag Rollout Issue cell left empty (or not a link)
    dates-backwards       timeline dates that go backwards

The same seed always gives the same corpus. `manifest.json` in the output folder lists each
plan with its size, whether it is valid and which mistakes it carries.

    python benchmarks/generate_plans.py --out /tmp/plans [--count 2000] [--seed 2026]

Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SEED = 2026
DEFAULT_COUNT = 2000
VALID_SHARE = 0.70

AUDIENCES = (
    "Feature team members and other stakeholders",
    "All GitLab team members",
    "50% of all users",
    "100% of all users",
)
REQUIRED_LABELS = ("type::feature", "feature::maintenance", "AI Model Migration")
MISTAKES = (
    "date-placeholder",
    "metric-placeholder",
    "missing-section",
    "missing-label",
    "missing-confidential",
    "missing-flag-link",
    "dates-backwards",
)
# Sections a hurried writer leaves out (the others hold tables the plan cannot do without).
DROPPABLE_SECTIONS = (
    "Legal notes",
    "Known issues",
    "Dashboard References",
    "Feedback from GitLab team members",
    "Release Announcement",
    "Mitigation and Rollback Plan",
)

# --- vocabulary -------------------------------------------------------------------------------

MODELS = (
    ("Claude", ("3.5 Haiku", "3.7 Sonnet", "Sonnet 4", "Sonnet 4.5", "Haiku 4.5", "Opus 4.1")),
    ("Gemini", ("2.0 Flash", "2.5 Flash", "2.5 Pro", "2.5 Flash-Lite")),
    ("GPT", ("4o", "4.1", "4.1 mini", "5", "5 mini")),
    ("Codestral", ("22.05", "25.01", "25.08")),
    ("Mistral", ("Large 2", "Medium 3", "Small 3.1")),
    ("Llama", ("3.1 70B", "3.3 70B", "4 Maverick")),
    ("Qwen", ("2.5 Coder 32B", "3 Coder")),
    ("Orion", ("2", "3", "3 Turbo")),
    ("Vega", ("1", "1.5 Code")),
)
PROVIDERS = {
    "Claude": ("Anthropic", "https://docs.anthropic.com/en/docs/about-claude/models"),
    "Gemini": ("Google Vertex AI", "https://cloud.google.com/vertex-ai/generative-ai/docs/models"),
    "GPT": ("Azure OpenAI", "https://learn.microsoft.com/azure/ai-services/openai/concepts/models"),
    "Codestral": ("Mistral AI", "https://docs.mistral.ai/getting-started/models/"),
    "Mistral": ("Mistral AI", "https://docs.mistral.ai/getting-started/models/"),
    "Llama": ("Fireworks AI", "https://docs.fireworks.ai/models"),
    "Qwen": ("Fireworks AI", "https://docs.fireworks.ai/models"),
    "Orion": ("the AI gateway's self-hosted fleet", "https://docs.example.com/models"),
    "Vega": ("the AI gateway's self-hosted fleet", "https://docs.example.com/models"),
}
FEATURES = (
    ("Code Suggestions", "code generation", "code-suggestions", "group::code creation"),
    ("Code Suggestions", "code completion", "code-suggestions", "group::code creation"),
    ("Duo Chat", "chat answers", "duo-chat", "group::duo chat"),
    ("Root Cause Analysis", "failed-job analysis", "root-cause-analysis", "group::pipeline execution"),
    ("Vulnerability Explanation", "vulnerability explanations", "vulnerability-explanation", "group::threat insights"),
    ("Vulnerability Resolution", "vulnerability fixes", "vulnerability-resolution", "group::threat insights"),
    ("Merge Request Summary", "merge request summaries", "mr-summary", "group::code review"),
    ("Code Review", "review comments", "duo-code-review", "group::code review"),
    ("Test Generation", "generated tests", "test-generation", "group::code creation"),
    ("Issue Description Generation", "issue descriptions", "issue-description", "group::project management"),
)
LANGUAGES = ("Python", "Go", "TypeScript", "Ruby", "Java", "C#", "Rust", "Kotlin", "PHP", "C++", "JavaScript")
PROJECTS = (
    "gitlab-org/gitlab",
    "gitlab-org/modelops/applied-ml/code-suggestions/ai-assist",
    "gitlab-org/editor-extensions/gitlab-lsp",
    "gitlab-org/ai-powered/ai-framework/ai-evaluation",
    "gitlab-com/gl-infra/production",
)
GROUPS = ("gitlab-org", "gitlab-org/ai-powered", "gitlab-org/modelops")
PEOPLE = ("@jdoe", "@asmith", "@mkowalski", "@lchen", "@pnair", "@rgarcia", "@tnguyen", "@ebauer", "@okim")
EXTRA_LABELS = (
    "devops::ai-powered",
    "section::data-science",
    "workflow::in dev",
    "AI Model Transition",
    "priority::2",
)
DASHBOARD_HOSTS = ("https://dashboards.gitlab.net", "https://log.gprd.gitlab.net", "https://dashboards.example.com")
TABLEAU = "https://10az.online.tableau.com/#/site/gitlab/views"
STATUSES_DONE = ("Done", "Done ✅", "Completed", "Complete", "Done (see comments)")
STATUSES_NOW = ("In progress", "In Progress", "Ongoing", "Rolling out", "In progress 🚧")
STATUSES_LATER = ("", "", "Planned", "Scheduled", "Not started")

# Sentence templates: {model}, {old}, {feature}, {use}, {lang}, {provider}, {pct}, {n}.
OVERVIEW_SENTENCES = (
    "{model} replaces {old} for {feature} {use}.",
    "We are introducing {model} because it answers faster and scores higher on our evaluation set for {lang}.",
    "{old} is being deprecated by {provider}, so we need to move {feature} to a supported model before the end of the quarter.",
    "In offline evaluations {model} improved the acceptance-weighted score by {pct}% compared to {old}.",
    "The model is served through {provider} and the AI gateway, so no change is needed in the clients.",
    "Context windows are larger, which lets us send more of the open files with each request.",
    "Cost per request is roughly {n}% lower at the traffic we see today.",
    "The prompt was adjusted for the new model and reviewed with the prompt library maintainers.",
    "This plan covers GitLab.com first; self-managed and Dedicated instances follow with the next release.",
    "Quality was measured on {lang} and {lang2} with the usual evaluation pipeline, and spot-checked by hand.",
    "Latency in our load tests was comparable, with a slightly longer tail under heavy load.",
    "The switch is controlled by a feature flag per user, which lets us roll back within minutes.",
    "{model} also handles longer inputs better, which matters for large merge requests and long chat threads.",
    "We expect most users not to notice the change except for somewhat better {use}.",
    "The migration is part of the wider effort to consolidate {feature} on fewer model providers.",
    "Customers who pinned {old} through the model selection settings keep it until they opt in.",
    "The AI gateway already supports {model}, so the work on our side is limited to prompt and routing changes.",
    "Early internal testing on the gitlab-org group showed fewer irrelevant {use} and better handling of multi-file context.",
    "A capacity review with {provider} confirmed that the quota covers our peak traffic with a {n}% margin.",
    "Because {feature} is used by a large share of Duo users, we roll out in small steps and watch the dashboards closely.",
    "We ran a shadow deployment for a week in which {model} received a copy of {pct}% of the traffic without serving the results.",
    "Safety evaluations covering prompt injection and harmful content were run and showed no regression against {old}.",
)
CRITERIA = (
    "Acceptance rate at or above {old}'s for two consecutive weeks.",
    "p95 latency below {p95_limit}.",
    "Error rate below {err}% of requests.",
    "No increase in the number of support tickets that mention {feature}.",
    "Token usage per request within {n}% of the estimate in the cost review.",
    "No open severity::1 or severity::2 issues caused by the model change.",
    "Positive or neutral feedback from at least {m} internal users.",
    "Evaluation score on the {lang} benchmark at or above the current baseline.",
)
KNOWN_ISSUES = (
    "Suggestions for {lang} are slightly shorter than with {old} ({ref}).",
    "The model sometimes wraps code in Markdown fences that the client has to strip ({ref}).",
    "Rare timeouts for requests with very large context; being investigated in {ref}.",
    "Answers occasionally mention the wrong GitLab version in documentation links ({ref}).",
    "{lang} docstrings are generated in a slightly different style than before ({ref}).",
    "Rate limits at {provider} are lower than for {old} until the quota increase lands ({ref}).",
    "Streaming starts a little later for the first chunk, by about {n} ms at p50 ({ref}).",
)
LEGAL = (
    "Legal approved the model's terms of use in {legal_ref}.",
    "The data processing addendum with {provider} already covers this model; confirmed by Legal in {legal_ref}.",
    "No new sub-processor is involved, so no customer notification is needed.",
    "Prompts and outputs are not retained by {provider} beyond the abuse-monitoring window.",
    "The model card and acceptable use policy were reviewed and raise no concerns for our use.",
    "Legal asked us to update the AI features documentation page before general availability.",
    "The third-party AI features terms already name {provider}, so customers do not have to accept new terms.",
    "Security reviewed the integration in {ref} and had no findings beyond the ones already tracked for {old}.",
)
FEEDBACK = (
    "Internal feedback is collected in {ref}.",
    "Please leave feedback in {ref}; the team triages it daily during the rollout.",
    "Team members can share examples of good and bad {use} in {ref}.",
    "We also watch the #{slug} Slack channel and copy anything actionable into {ref}.",
    "Feedback from the dogfooding week is summarised in {ref}.",
    "The feedback issue has a short template asking for the prompt, the result and what was expected.",
    "Anything that looks like a regression against {old} is labelled and linked from this issue.",
)
PERSEVERE = (
    "Latency remains within observed p50/90/95 ranges",
    "Success/acceptance rate remains within observed range or improves",
    "No blockers have been identified",
    "Error rate stays below {err}% for the whole stage",
    "No regression reported by internal users that we cannot fix within a week",
)
PIVOT = (
    "Requests are not using the new model as expected",
    "There is an increase or spike in latency for the new model vs the old model",
    "There is a decrease in success/acceptance rate compared to the old model",
    "Error rate goes above {err}% for more than an hour",
    "A severity::1 or severity::2 incident is traced back to the model change",
    "Cost per request is more than {n}% over the estimate",
)
MITIGATION = (
    "We will use a [feature flag](https://docs.gitlab.com/operations/feature_flags/) to control the rollout.",
    # The template's own example, which many plans keep word for word.
    "If we need to pause, pivot, or rollback the model, we will disable the feature flag, "
    "especially for external users, to investigate any potential issues.",
    "Disabling `{flag}` routes all requests back to {old} within a minute, without a deployment.",
    "The on-call engineer for {feature} can toggle the flag with ChatOps: `/chatops run feature set {flag} false`.",
    "We keep {old} deployed until two weeks after the 100% stage, so rolling back stays possible.",
    "If only one language regresses we will exclude it with the per-language setting instead of rolling back entirely.",
    "Any rollback is announced in #{slug} and in the rollout issue.",
)
RELEASE = (
    "Announce in the {feature} release post and in #{slug} on Slack.",
    "A release post item will be added for the next monthly release ({ref}).",
    "We will update the supported models table in the documentation and mention the change in the changelog.",
    "The announcement goes to #whats-happening-at-gitlab once the 100% stage is complete.",
    "Customers on self-managed get the model with the next release; the release post mentions it under AI features.",
    "Support gets a heads-up a week before the 100% stage with a short FAQ.",
)
TIMELINE_INTRO = (
    "The rollout takes {weeks} weeks.",
    "We move to the next stage only when the persevere criteria below are met for the current one.",
    "Dates are targets; each stage waits for a go/no-go in the rollout issue.",
    "The timeline follows the usual model migration schedule.",
    "Stages start at 10:00 UTC on the days below.",
)


@dataclass
class PlanFacts:
    """Everything one plan says, chosen up front so that all sections agree."""

    model: str
    family: str
    old: str
    feature: str
    use: str
    slug: str
    group_label: str
    flag: str
    provider: str
    model_link: str
    stage_dates: list[dt.date]
    observed: tuple[dt.date, dt.date]
    latency_ms: list[tuple[int, int]]
    rate: tuple[int, int]
    issue: int
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class Plan:
    name: str
    text: str
    mistakes: list[str]


class PlanWriter:
    """Writes plans from one seeded random generator; `plan(i)` is deterministic in order."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    # --- facts ----------------------------------------------------------------------------

    def facts(self) -> PlanFacts:
        rng = self.rng
        family, versions = rng.choice(MODELS)
        version = rng.choice(versions)
        model = f"{family} {version}"
        old_family, old_versions = rng.choice(MODELS)
        old = f"{old_family} {rng.choice(old_versions)}"
        if old == model:
            old = f"{family} (previous version)"
        feature, use, slug, group_label = rng.choice(FEATURES)
        provider, docs = PROVIDERS[family]
        flag = f"{slug.replace('-', '_')}_{re.sub(r'[^a-z0-9]+', '_', model.lower()).strip('_')}"
        start = dt.date(2025, 1, 6) + dt.timedelta(days=rng.randrange(0, 900))
        dates = [start]
        for _ in range(3):
            dates.append(dates[-1] + dt.timedelta(days=rng.choice((0, 3, 5, 7, 7, 7, 14, 14, 21))))
        observed_end = start - dt.timedelta(days=rng.randint(2, 12))
        observed = (observed_end - dt.timedelta(days=rng.choice((6, 7, 13, 14, 20, 28))), observed_end)
        p50_low = rng.randrange(120, 900, 10)
        latency = [(p50_low, p50_low + rng.randrange(20, 200, 10))]
        for _ in range(2):
            low = latency[-1][0] + rng.randrange(50, 600, 10)
            high = max(low, latency[-1][1]) + rng.randrange(20, 400, 10)
            latency.append((low, high))
        rate_low = rng.randint(18, 90)
        rate = (rate_low, min(100, rate_low + rng.randint(0, 8)))
        issue = rng.randint(400_000, 580_000)
        link_slug = re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-")
        facts = PlanFacts(
            model=model,
            family=family,
            old=old,
            feature=feature,
            use=use,
            slug=slug,
            group_label=group_label,
            flag=flag,
            provider=provider,
            model_link=f"{docs}#{link_slug}" if rng.random() < 0.5 else docs,
            stage_dates=dates,
            observed=observed,
            latency_ms=latency,
            rate=rate,
            issue=issue,
        )
        facts.values = {
            "model": model,
            "old": old,
            "feature": feature,
            "use": use,
            "slug": slug,
            "flag": flag,
            "provider": provider,
            "p95_limit": rng.choice(("1.2 s", "1.5 s", "2 s", "800 ms", "3 s")),
            "err": rng.choice(("0.5", "1", "2")),
            "weeks": rng.choice(("three", "four", "five", "six")),
        }
        return facts

    def fill(self, template: str, facts: PlanFacts) -> str:
        rng = self.rng
        lang, lang2 = rng.sample(LANGUAGES, 2)
        return template.format(
            **facts.values,
            lang=lang,
            lang2=lang2,
            pct=rng.randint(2, 19),
            n=rng.choice((10, 15, 20, 30, 40, 80, 120)),
            m=rng.choice((10, 20, 25, 50)),
            ref=self.issue_ref(facts),
            legal_ref=f"gitlab-com/legal-and-compliance#{rng.randint(100, 4000)}",
        )

    # --- small pieces -----------------------------------------------------------------------

    def issue_ref(self, facts: PlanFacts) -> str:
        rng = self.rng
        number = facts.issue + rng.randint(1, 3000)
        form = rng.random()
        if form < 0.35:
            return f"#{number}"
        if form < 0.7:
            return f"{rng.choice(PROJECTS)}#{number}"
        return f"https://gitlab.com/{rng.choice(PROJECTS)}/-/issues/{number}"

    def flag_link(self, facts: PlanFacts) -> str:
        rng = self.rng
        number = facts.issue + rng.randint(1, 50)
        form = rng.random()
        if form < 0.3:
            return f"gitlab-org/gitlab#{number}"
        if form < 0.5:
            return f"#{number}"
        if form < 0.8:
            return f"https://gitlab.com/gitlab-org/gitlab/-/issues/{number}"
        return f"[Rollout `{facts.flag}`](https://gitlab.com/gitlab-org/gitlab/-/issues/{number})"

    def date(self, day: dt.date) -> str:
        form = self.rng.random()
        if form < 0.88:
            return day.isoformat()
        if form < 0.94:
            return f"{day:%b} {day.day}, {day.year}"
        return f"{day.day} {day:%B %Y}"

    def prose(self, pool: tuple[str, ...], facts: PlanFacts, low: int, high: int) -> str:
        count = min(len(pool), self.rng.randint(low, high))
        return " ".join(self.fill(sentence, facts) for sentence in self.rng.sample(pool, count))

    def paragraphs(self, pool: tuple[str, ...], facts: PlanFacts, count: int, low: int, high: int) -> list[str]:
        """`count` paragraphs of `low` to `high` sentences each, no sentence used twice."""
        sentences = self.rng.sample(pool, len(pool))
        result = []
        for _ in range(count):
            size = self.rng.randint(low, high)
            chosen, sentences = sentences[:size], sentences[size:]
            if chosen:
                result.append(" ".join(self.fill(sentence, facts) for sentence in chosen))
        return result

    def bullets(self, pool: tuple[str, ...], facts: PlanFacts, low: int, high: int, marker: str = "-") -> str:
        count = min(len(pool), self.rng.randint(low, high))
        lines = [self.fill(item, facts) for item in self.rng.sample(pool, count)]
        if marker == "1.":
            return "\n".join(f"{index}. {line}" for index, line in enumerate(lines, 1))
        return "\n".join(f"{marker} {line}" for line in lines)

    # --- the plan -----------------------------------------------------------------------------

    def plan(self, index: int, mistakes: list[str]) -> Plan:
        rng = self.rng
        facts = self.facts()
        wrap = rng.random() < 0.4  # some writers wrap prose, most let the editor do it
        text_width = rng.choice((80, 100, 120))

        def para(text: str) -> str:
            return textwrap.fill(text, text_width, break_long_words=False, break_on_hyphens=False) if wrap else text

        dropped = rng.choice(DROPPABLE_SECTIONS) if "missing-section" in mistakes else None
        out: list[str] = []

        def section(title: str, level: int, *blocks: str) -> None:
            if title == dropped:
                return
            out.append(f"{'#' * level} {title}")
            out.extend(block for block in blocks if block)

        if rng.random() < 0.6:
            out.append("<!-- Title suggestion: [Model] Rollout Plan -->")
        out.append(
            "<!-- Do not remove this confidential declaration and make sure to mark this issue as confidential! -->"
        )
        out.append("_The issue is marked confidential, as we'll share SAFE metrics in the comments._")

        overview = [para(p) for p in self.paragraphs(OVERVIEW_SENTENCES, facts, rng.choice((1, 2, 3, 3, 4)), 2, 7)]
        section("Overview", 2, *overview, self.resource_table(facts, mistakes))
        section(
            "Rollout success criteria",
            3,
            para(self.fill("We consider the rollout successful when {model} meets all of the following:", facts))
            if rng.random() < 0.6
            else "",
            self.bullets(CRITERIA, facts, 2, 6),
        )
        section("Dashboard References", 3, self.dashboards(facts))
        section("Legal notes", 2, para(self.prose(LEGAL, facts, 1, 4)))
        if rng.random() < 0.2:
            known = para(self.fill("No known issues so far; new ones are linked from {ref}.", facts))
        else:
            known = self.bullets(KNOWN_ISSUES, facts, 1, 5)
        section("Known issues", 2, known)
        rollout_intro = (
            para(self.fill("Each stage below is a change of the `{flag}` feature flag's percentage of actors.", facts))
            if rng.random() < 0.25
            else ""
        )
        section("Rollout", 2, rollout_intro)
        section(
            "Timeline",
            3,
            para(self.prose(TIMELINE_INTRO, facts, 1, 3)) if rng.random() < 0.7 else "",
            "<!-- Add a detailed timeline similar to the example below: -->" if rng.random() < 0.3 else "",
            self.timeline(facts, mistakes),
        )
        section("Feedback from GitLab team members", 3, para(self.prose(FEEDBACK, facts, 1, 3)))
        section("Persevere / Continue Criteria", 3, *self.persevere(facts, mistakes))
        section("Pivot / Pause / Rollback Criteria", 3, self.bullets(PIVOT, facts, 2, 5, "1."))
        mitigation = [MITIGATION[0], MITIGATION[1]] if rng.random() < 0.5 else []
        extra = [self.fill(s, facts) for s in rng.sample(MITIGATION[2:], rng.randint(1, 4))]
        section("Mitigation and Rollback Plan", 2, para(" ".join([*mitigation, *extra])))
        section(
            "Release Announcement",
            2,
            *[para(p) for p in self.paragraphs(RELEASE, facts, rng.choice((1, 2, 2)), 1, 3)],
        )
        out.append(self.quick_actions(facts, mistakes))
        if rng.random() < 0.3:
            out.append("<!-- Add appropriate labels based on the feature/team/category -->")

        name_slug = re.sub(r"[^a-z0-9]+", "-", facts.model.lower()).strip("-")
        return Plan(f"plan-{index:05d}-{name_slug}.md", "\n\n".join(out) + "\n", mistakes)

    def resource_table(self, facts: PlanFacts, mistakes: list[str]) -> str:
        rng = self.rng
        flag = self.flag_link(facts)
        if "missing-flag-link" in mistakes:
            flag = rng.choice(("", "", "", "TBD", "will link once created", f"`{facts.flag}`"))
        epic = rng.choice(
            (
                f"&{rng.randint(10000, 20000)}",
                f"{rng.choice(GROUPS)}&{rng.randint(10000, 20000)}",
                self.issue_ref(facts),
            )
        )
        status = self.issue_ref(facts) if rng.random() < 0.85 else "n/a"
        model = facts.model_link if rng.random() < 0.85 else ""
        rows = [
            ("Model", model),
            ("Epic or Issue", epic),
            ("Feature Flag Rollout Issue", flag),
            ("Status updates", status),
        ]
        separator = rng.choice(("| -------------- | - |", "|----------|-------|", "| --- | --- |"))
        lines = ["| Resource | Links |", separator]
        lines.extend(f"| {name} | {link} |".replace("|  |", "| |") for name, link in rows)
        table = "\n".join(lines)
        if rng.random() < 0.3:
            table = "<!-- Add relevant links. Example below: -->\n\n" + table
        return table

    def dashboards(self, facts: PlanFacts) -> str:
        rng = self.rng
        names = ("Acceptance rate", "Latency", "Error rate", "Token usage", "Requests", "Time to first token")
        chosen = rng.sample(names, rng.randint(1, 5))
        model = re.sub(r"[^a-z0-9]+", "-", facts.model.lower()).strip("-")
        host = rng.choice(DASHBOARD_HOSTS)
        lines = [
            f"- [{name} by model]({host}/d/{facts.slug}-{re.sub(r'[^a-z]+', '-', name.lower())}?var-model={model})"
            for name in chosen
        ]
        if rng.random() < 0.3:
            lines.append(f"- Tableau: [{facts.feature} usage]({TABLEAU}/{facts.slug})")
        return "\n".join(lines)

    def timeline(self, facts: PlanFacts, mistakes: list[str]) -> str:
        rng = self.rng
        dates = list(facts.stage_dates)
        written = [self.date(day) for day in dates]
        if rng.random() < 0.08:
            # A rescheduled stage, as people write it in GitLab: the old date struck through.
            stage = rng.randint(1, 3)
            earlier = dates[stage] - dt.timedelta(days=rng.randint(1, 3))
            if earlier >= dates[stage - 1]:
                written[stage] = f"~~{earlier.isoformat()}~~ {written[stage]}"
        if "dates-backwards" in mistakes:
            stage = rng.randint(1, 3)
            if rng.random() < 0.5:
                wrong = dates[stage - 1] - dt.timedelta(days=rng.randint(1, 10))  # a typo in the day
            else:
                wrong = dates[stage] - dt.timedelta(days=rng.choice((28, 30, 31, 365)))  # wrong month/year
            written[stage] = wrong.isoformat()
        if "date-placeholder" in mistakes:
            for stage in range(rng.randint(1, 3), 4):
                written[stage] = "???"
        started = rng.randint(0, 4)  # how many stages have started; the last of them is under way
        statuses = [
            rng.choice(STATUSES_DONE if i < started - 1 else STATUSES_NOW if i == started - 1 else STATUSES_LATER)
            for i in range(4)
        ]
        lines = ["| Date | Audience | Status |", "|------|----------|--------|"]
        lines.extend(f"| {d} | {a} | {s} |" for d, a, s in zip(written, AUDIENCES, statuses))
        return "\n".join(lines)

    def persevere(self, facts: PlanFacts, mistakes: list[str]) -> list[str]:
        rng = self.rng
        blocks = []
        if rng.random() < 0.5:
            blocks.append("<!-- example criteria: -->")
        blocks.append(self.bullets(PERSEVERE, facts, 3, 5, "1."))
        start, end = (self.date(day) for day in facts.observed)
        ranges = [self.latency_range(low, high) for low, high in facts.latency_ms]
        rate = f"{facts.rate[0]}% to {facts.rate[1]}%"
        if "metric-placeholder" in mistakes:
            which = rng.randint(0, 3)
            if which == 3:
                rate = "X% to Y%"
            else:
                ranges[which] = "X ms to Y ms"
        marker = rng.choice(("*", "-"))
        blocks.append(f"_Observed latency from {start} to {end}_")
        blocks.append("\n".join(f"{marker} {name}: {value}" for name, value in zip(("p50", "p90", "p95"), ranges)))
        blocks.append(f"_Observed success/acceptance rate from {start} to {end}_")
        blocks.append(f"{marker} Rate: {rate}")
        return blocks

    def latency_range(self, low: int, high: int) -> str:
        if high >= 1000 and self.rng.random() < 0.6:
            return f"{low / 1000:g} s to {high / 1000:g} s"
        return f"{low} ms to {high} ms"

    def quick_actions(self, facts: PlanFacts, mistakes: list[str]) -> str:
        rng = self.rng
        labels = list(REQUIRED_LABELS)
        if "missing-label" in mistakes:
            labels.remove(rng.choice(REQUIRED_LABELS))
        labels.append(facts.group_label)
        labels.extend(rng.sample(EXTRA_LABELS, rng.randint(0, 2)))
        if rng.random() < 0.3:
            labels.append(f"Category:{facts.feature}")
        if rng.random() < 0.3:
            label_lines = ["/label " + " ".join(f'~"{label}"' for label in labels)]
        else:
            quote = rng.choice(('"{}"', '~"{}"'))
            label_lines = [f"/label {quote.format(label)}" for label in labels]
        lines = [] if "missing-confidential" in mistakes else ["/confidential"]
        lines.extend(label_lines)
        if rng.random() < 0.4:
            lines.append(f"/assign {rng.choice(PEOPLE)}")
        if rng.random() < 0.2:
            lines.append(f'/milestone %"{rng.randint(17, 18)}.{rng.randint(0, 11)}"')
        return "\n".join(lines)


def choose_mistakes(rng: random.Random) -> list[str]:
    """None for a valid plan; otherwise one mistake, sometimes two."""
    if rng.random() < VALID_SHARE:
        return []
    weights = (3, 2, 2, 2, 1, 2, 2)
    first = rng.choices(MISTAKES, weights)[0]
    if rng.random() < 0.15:
        second = rng.choices(MISTAKES, weights)[0]
        if second != first:
            return sorted([first, second])
    return [first]


def generate(out: Path, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> list[dict[str, object]]:
    """Write `count` plans and `manifest.json` into `out`; return the manifest entries."""
    out.mkdir(parents=True, exist_ok=True)
    writer = PlanWriter(seed)
    manifest: list[dict[str, object]] = []
    for index in range(1, count + 1):
        plan = writer.plan(index, choose_mistakes(writer.rng))
        data = plan.text.encode("utf-8")
        (out / plan.name).write_bytes(data)
        manifest.append(
            {"file": plan.name, "bytes": len(data), "valid": not plan.mistakes, "mistakes": plan.mistakes}
        )
    (out / "manifest.json").write_text(json.dumps({"seed": seed, "count": count, "plans": manifest}, indent=1) + "\n")
    return manifest


def _summary(manifest: list[dict[str, object]]) -> str:
    sizes = sorted(int(str(entry["bytes"])) for entry in manifest)
    valid = sum(1 for entry in manifest if entry["valid"])
    median = sizes[len(sizes) // 2] if sizes else 0
    return (
        f"{len(manifest)} plans, {valid} valid ({valid / max(len(manifest), 1):.0%}), "
        f"median {median / 1024:.1f} KiB, total {sum(sizes) / 1024 / 1024:.1f} MiB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, required=True, help="folder to write the plans into")
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT, help=f"number of plans (default {DEFAULT_COUNT})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    manifest = generate(args.out, args.count, args.seed)
    print(f"{args.out}: {_summary(manifest)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
