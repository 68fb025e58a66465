"""Domain logic of the one-stop counter, free of Flask: used by the CLI, jobs, API and views alike."""
