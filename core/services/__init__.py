"""Core domain services, free of Flask: used by the CLI, the jobs and the back office alike."""


class ServiceError(Exception):
    """A refused action; the message is for the user, in Vietnamese with an English gloss."""
