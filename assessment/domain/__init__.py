"""Pure functions over plain values: scoring and the roadmap. No ORM, no I/O, no HTTP."""
