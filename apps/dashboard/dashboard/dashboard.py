"""The merchant dashboard: its pages, its theme, and no external resource of any kind."""

import reflex as rx

from dashboard import routes
from dashboard.downloads import download_routes
from dashboard.pages import (
    auth,
    developers,
    exports,
    home,
    link_detail,
    link_edit,
    link_new,
    links,
    settings,
    signup_confirm,
    venues,
)
from dashboard.session_cookie import SWAP_SCRIPT, dashboard_url, is_https, session_routes
from dashboard.state.session import TIME_ZONE_SCRIPT
from paylinks_client import closing_pooled_clients

FAVICON = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'%3E"
    "%3Crect x='2' y='5' width='20' height='14' rx='3' fill='%233e63dd'/%3E"
    "%3Crect x='2' y='9' width='20' height='3' fill='%23fff'/%3E%3C/svg%3E"
)

#: Run in the page's head (their hashes are in the pages' Content-Security-Policy).
HEAD_SCRIPTS = (TIME_ZONE_SCRIPT, SWAP_SCRIPT)

app = rx.App(
    theme=rx.theme(accent_color="indigo", gray_color="slate", radius="medium", scaling="100%"),
    stylesheets=["/dashboard.css"],
    head_components=[rx.el.link(rel="icon", href=FAVICON), *map(rx.script, HEAD_SCRIPTS)],
    html_lang="en",
    # Downloads stream through a route of their own, in front of Reflex's; the session
    # cookie is set by one (HttpOnly: see dashboard.session_cookie).
    api_transformer=[download_routes(), session_routes(secure=is_https(dashboard_url()))],
)
app.register_lifespan_task(closing_pooled_clients)
app.add_page(home.page, route=routes.HOME, title="Paylinks", on_load=home.ON_LOAD)
app.add_page(auth.login, route=routes.LOGIN, title="Log in · Paylinks", on_load=auth.ON_LOAD)
app.add_page(
    auth.signup, route=routes.SIGNUP, title="Create your store · Paylinks", on_load=auth.ON_LOAD
)
app.add_page(
    signup_confirm.page,
    route=routes.SIGNUP_CONFIRM,
    title="Creating your store · Paylinks",
    on_load=signup_confirm.ON_LOAD,
)
app.add_page(
    links.page, route=routes.LINKS, title="Payment links · Paylinks", on_load=links.ON_LOAD
)
app.add_page(
    link_new.page,
    route=routes.NEW_LINK,
    title="Create a payment link · Paylinks",
    on_load=link_new.ON_LOAD,
)
app.add_page(
    link_detail.page,
    route=routes.LINK,
    title="Payment link · Paylinks",
    on_load=link_detail.ON_LOAD,
)
app.add_page(
    link_edit.page,
    route=routes.EDIT_LINK,
    title="Edit payment link · Paylinks",
    on_load=link_edit.ON_LOAD,
)
app.add_page(
    settings.page, route=routes.SETTINGS, title="Settings · Paylinks", on_load=settings.ON_LOAD
)
app.add_page(venues.page, route=routes.VENUES, title="Venues · Paylinks", on_load=venues.ON_LOAD)
app.add_page(
    exports.page, route=routes.EXPORTS, title="Exports · Paylinks", on_load=exports.ON_LOAD
)
app.add_page(
    developers.page,
    route=routes.DEVELOPERS,
    title="Developers · Paylinks",
    on_load=developers.ON_LOAD,
)
