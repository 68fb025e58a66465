"""A test-only plugin that records the events it receives (to watch ISO 9001's events from the outside)."""

MANIFEST = {"name": "isorecorder", "version": "0.0.1", "label": "Ghi sự kiện (thử nghiệm)"}
