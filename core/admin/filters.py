"""List filters for back-office views: days typed as dd/mm/yyyy, integer keys, readable URL keys."""
from __future__ import annotations

from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual

from core.scheduling.plans import parse_date
from core.services import ServiceError
from core.admin.base import parse_id


class _DayFilter(BaseSQLAFilter):
    """A day typed as dd/mm/yyyy (yyyy-mm-dd accepted, as calendar links send it)."""

    def validate(self, value):
        try:
            return parse_date(value) is not None
        except ServiceError:
            return False

    def clean(self, value):
        return parse_date(value)


class DayEquals(_DayFilter):
    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) == value)

    def operation(self):
        return "bằng (dd/mm/yyyy)"


class DayFrom(_DayFilter):
    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) >= value)

    def operation(self):
        return "từ ngày (dd/mm/yyyy)"


class DayTo(_DayFilter):
    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) <= value)

    def operation(self):
        return "đến ngày (dd/mm/yyyy)"


class IdEqualFilter(FilterEqual):
    """Equality on an integer key; a guessed non-number is reported as an invalid filter value."""

    def validate(self, value):
        return parse_id(value) is not None

    def clean(self, value):
        return parse_id(value)


def keyed(flt, key: str):
    """Give a filter a stable, readable query-string name (``?flt_status=…``) for links to use."""
    flt.url_key = key
    return flt


class KeyedFilters:
    """Mixin for a model view: readable query-string names for filters that set ``url_key``, and choices
    computed per request for the filters named in ``filter_options`` (e.g. the user's own fields)."""

    def get_filter_arg(self, index, flt):
        return getattr(flt, "url_key", None) or super().get_filter_arg(index, flt)

    def filter_options(self) -> dict:
        return {}

    def _get_filter_groups(self):
        groups = super()._get_filter_groups()  # fresh copies: safe to fill in per request
        dynamic = self.filter_options()
        for items in (groups or {}).values():
            for item in items:
                if item["arg"] in dynamic:
                    item["options"] = dynamic[item["arg"]]()
        return groups
