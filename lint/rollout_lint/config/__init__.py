"""The config stage: the settings of each checked file (mode, schema, rules on, severities),
from the command line over the nearest configuration file (`files`, `globs`, `settings`)."""
