"""Our own suite uses the same pytest plugin (core.testing) that plugin authors get."""
