"""Reflex settings of the checkout. Ports, the API's URL and the build's folders come from
the environment (``paylinks up`` sets them; see ``paylinks_cli.webapps``)."""

import reflex as rx
from reflex import constants
from reflex.plugins.sitemap import SitemapPlugin

config = rx.Config(
    app_name="checkout",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[],
    disable_plugins=[SitemapPlugin],
    # Page state lives in memory only (expiring): nothing a person typed, nor a session
    # token or a secret shown once, is written to disk. A restart loses open pages' state,
    # which they load again from the API.
    state_manager_mode=constants.StateManagerMode.MEMORY,
)
