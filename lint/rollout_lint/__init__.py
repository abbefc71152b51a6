"""rollout-lint: check GitLab '[Model] Rollout Plan' issues and templates against a JSON Schema.

The folders are the pipeline, each stage taking what the one before it gives:

    markdown/   bytes → Source (text, BOM, line endings) → Document (the section tree)
    schema/     a template schema loaded; Document → JSON instance; the instance validated
    rules/      the rules, each with its docs, checks and fix; one file's findings
    config/     each file's settings: configuration files, globs, the command line
    fix/        --fix and --diff: the fixes the findings carry, applied and checked
    reporters/  findings → text, concise, json, sarif, codequality, github, junit
    gitlab/     plans where they live: issues read from GitLab, notes and labels written back
    cli/        the command line on top

`diagnostics.py` (the finding) and `safe_write.py` (writing a file whole) serve every stage.
"""

__version__ = "0.1.0"
VERSION = f"rollout-lint {__version__}"
