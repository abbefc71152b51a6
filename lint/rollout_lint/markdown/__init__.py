"""The markdown stage: bytes become a `Source` (strict UTF-8 text, its BOM and line endings,
a line index) and a `Source` a `Document` (sections, tables, lists, quick actions, comments,
1-based positions), read by markdown-it-py with bounds that keep every input linear."""
