"""Domain logic of the ISO 9001 plugin, free of Flask: views, jobs and the demo call the same functions."""
