"""JUnit XML, as GitLab's unit test report reads it (`artifacts:reports:junit`): one test suite
per checked file and one test case per rule, so a merge request lists which rules a plan fails.

- A rule whose findings are errors (as configured: the `severity` table can change a rule's):
  the test case *fails*, listing its findings.
- A rule whose findings are warnings or infos: the test case *passes* and lists them in
  `<system-out>`; a warning is advice, and a red test would be read as a broken plan. (The
  exit code still honours `--strict`.)
- A file that could not be checked (RL000, RL001): that rule's test case is an *error*, and
  the rules that never ran are *skipped*, not passed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import IO

from ..diagnostics import Diagnostic
from ..rules import COULD_NOT_CHECK, REGISTRY
from ..markdown.source import Source
from . import FileTemplate, Summary
from .ci import message_with_hint, report_path, web_url

# XML 1.0 cannot carry these at all, not even escaped; ElementTree would write them anyway.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_OUTCOMES = ("failures", "errors", "skipped")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def finding_lines(diagnostics: list[Diagnostic]) -> str:
    return "".join(xml_text(f"{d.line}:{d.column} {message_with_hint(d)}\n") for d in diagnostics)


class JunitReporter:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.root = ET.Element("testsuites", name="rollout-lint")

    def file(self, diagnostics: list[Diagnostic], source: Source | None, template: FileTemplate | None = None) -> None:
        # A clean file has no finding to take the path from, but a clean file always has a source.
        checked = diagnostics[0].path if diagnostics else source.path if source else "-"
        path = xml_text(report_path(checked))
        by_rule: defaultdict[str, list[Diagnostic]] = defaultdict(list)
        for diagnostic in diagnostics:
            by_rule[diagnostic.rule].append(diagnostic)
        not_checked = not COULD_NOT_CHECK.isdisjoint(by_rule)
        suite = ET.SubElement(self.root, "testsuite", name=path)
        url = web_url(source)
        if template is not None or url is not None:
            properties = ET.SubElement(suite, "properties")
            if template is not None:
                ET.SubElement(properties, "property", name="template", value=xml_text(template.label))
            if url is not None:  # the issue the plan is the description of
                ET.SubElement(properties, "property", name="url", value=xml_text(url))
        counts = dict.fromkeys(_OUTCOMES, 0)
        for rule in REGISTRY.values():
            case = ET.SubElement(suite, "testcase", classname=path, name=f"{rule.id} {rule.name}", file=path)
            found = by_rule.get(rule.id, [])
            if not found:
                if not_checked:
                    ET.SubElement(case, "skipped", message="the file could not be checked")
                    counts["skipped"] += 1
                continue
            # Not the rule's default: one file's findings of one rule share their configured severity.
            severity = found[0].severity
            if severity != "error":
                ET.SubElement(case, "system-out").text = finding_lines(found)
                continue
            outcome = "error" if rule.id in COULD_NOT_CHECK else "failure"
            counts["errors" if outcome == "error" else "failures"] += 1
            summary = found[0].message if len(found) == 1 else f"{len(found)} findings"
            element = ET.SubElement(case, outcome, message=xml_text(summary), type=severity)
            element.text = finding_lines(found)
        suite.attrib.update(tests=str(len(REGISTRY)), **{key: str(n) for key, n in counts.items()})

    def finish(self, summary: Summary) -> None:
        suites = self.root.findall("testsuite")
        for key in ("tests", *_OUTCOMES):
            self.root.set(key, str(sum(int(suite.get(key, "0")) for suite in suites)))
        ET.indent(self.root)
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.stream.write(ET.tostring(self.root, encoding="unicode"))
        self.stream.write("\n")
