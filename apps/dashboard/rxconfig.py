"""Reflex settings of the dashboard. Ports, the API's URL and the build's folders come from
the environment (``paylinks up`` sets them; see ``paylinks_api.webapps``)."""

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

config = rx.Config(
    app_name="dashboard",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[],
    disable_plugins=[SitemapPlugin],
)
