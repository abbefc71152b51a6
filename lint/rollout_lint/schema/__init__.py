"""The schema stage: a template schema loaded and checked (`loading`), what the template says
is unfilled (`template`), a Document as a JSON instance with the source span of every value
(`instance`), and the instance validated by jsonschema-rs (`validation`)."""
