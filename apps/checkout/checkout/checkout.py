"""The checkout app: its pages, its stylesheet, and no external resource of any kind."""

import reflex as rx

from checkout import routes
from checkout.pages.home import home
from checkout.pages.missing import missing
from checkout.pages.pay import pay
from checkout.state.pay import PayState
from paylinks_client import closing_pooled_clients

#: A padlock drawn inline, so that not even the favicon is fetched from anywhere.
FAVICON = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'%3E"
    "%3Crect x='3' y='10' width='18' height='12' rx='3' fill='%233e4fd6'/%3E"
    "%3Cpath d='M7 10V7a5 5 0 0 1 10 0v3' fill='none' stroke='%233e4fd6' stroke-width='2.5'/%3E"
    "%3C/svg%3E"
)

app = rx.App(
    stylesheets=["/checkout.css"],
    head_components=[rx.el.link(rel="icon", href=FAVICON)],
    html_lang="en",
    toaster=None,
)
app.register_lifespan_task(closing_pooled_clients)
app.add_page(pay, route=routes.PAY, title=PayState.page_title, on_load=PayState.load)
app.add_page(home, route=routes.HOME, title="Paylinks checkout")
app.add_page(missing, route=routes.MISSING, title="Page not found")
