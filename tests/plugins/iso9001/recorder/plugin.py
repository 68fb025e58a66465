from core.toolkit import hookimpl

EVENTS: list = []


@hookimpl
def handle_event(session, event):
    EVENTS.append(event)
