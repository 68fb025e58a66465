"""A plugin that depends on ``example``: drives the dependency rules."""

MANIFEST = {
    "name": "example_child",
    "version": "0.1.0",
    "label": "Ví dụ con",
    "depends": ["example"],
}
