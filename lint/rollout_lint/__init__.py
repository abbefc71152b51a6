"""rollout-lint: check GitLab '[Model] Rollout Plan' issues and templates against a JSON Schema."""

__version__ = "0.1.0"
