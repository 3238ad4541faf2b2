"""Exports: the store's payments and refunds over a date range as CSV, downloaded from
the dashboard's streaming route (``downloads.py``) rather than through the page's state."""

from typing import Any

import reflex as rx

from dashboard.export_range import download_name, download_url, export_query
from dashboard.state.session import SessionState


class ExportsState(SessionState):
    form_errors: dict[str, str] = {}

    def download(self, form: dict[str, Any]) -> Any:
        query, errors = export_query(form, self.zone())
        self.form_errors = errors
        if errors:
            return None
        return rx.download(url=download_url(query), filename=download_name(form))
