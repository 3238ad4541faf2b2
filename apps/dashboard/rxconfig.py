"""Reflex settings of the dashboard. Ports, the API's URL, the build's folders and where page
state lives come from the environment (``paylinks dashboard`` sets them; see
``paylinks_cli.webserve``)."""

import reflex as rx
from reflex import constants
from reflex.plugins.sitemap import SitemapPlugin

config = rx.Config(
    app_name="dashboard",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[],
    disable_plugins=[SitemapPlugin],
    # Page state lives in memory (expiring), never on disk: nothing a person typed, nor a
    # session token or a secret shown once, is written there. `paylinks checkout` and
    # `paylinks dashboard` put it in Redis instead when one is configured (REFLEX_* variables
    # override this file; see paylinks_cli.webserve), so that any process serves any page.
    state_manager_mode=constants.StateManagerMode.MEMORY,
)
