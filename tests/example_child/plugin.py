from core.toolkit import hookimpl


@hookimpl
def on_unit_enabled(session, unit):
    pass
