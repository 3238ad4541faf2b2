"""The frame of every signed-in page (a sidebar of sections, the store and its mode on
top) and the narrow card of the login and sign-up pages."""

import reflex as rx

from dashboard import routes
from dashboard.state.session import SessionState


def _nav_item(label: str, icon: str, href: str, section: str, current: str) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=16), rx.text(label, size="2"), align="center", spacing="2"),
        href=href,
        class_name="pl-nav-item" + (" pl-nav-current" if section == current else ""),
        underline="none",
        data_testid=f"nav-{section}",
    )


def sidebar(current: str) -> rx.Component:
    links = rx.cond(
        SessionState.payments_activated,
        rx.fragment(
            _nav_item("Payment Links", "link", routes.LINKS, "links", current),
            _nav_item("Exports", "download", routes.EXPORTS, "exports", current),
        ),
        rx.fragment(),
    )
    return rx.el.nav(
        rx.hstack(
            rx.icon("credit-card", size=20, color="var(--accent-9)"),
            rx.text("Paylinks", weight="bold", size="4"),
            align="center",
            spacing="2",
            class_name="pl-brand",
        ),
        rx.text("PAYMENTS", size="1", class_name="pl-nav-heading"),
        links,
        _nav_item("Venues", "map-pin", routes.VENUES, "venues", current),
        rx.text("STORE", size="1", class_name="pl-nav-heading"),
        _nav_item("Settings", "settings", routes.SETTINGS, "settings", current),
        _nav_item("Developers", "code", routes.DEVELOPERS, "developers", current),
        class_name="pl-sidebar",
    )


def topbar() -> rx.Component:
    return rx.hstack(
        rx.text(SessionState.store_name, weight="medium", data_testid="store-name"),
        rx.cond(
            SessionState.test_mode,
            rx.badge("Test mode", color_scheme="orange", variant="soft"),
            rx.fragment(),
        ),
        rx.spacer(),
        rx.text(SessionState.user_email, size="2", color_scheme="gray"),
        rx.button(
            "Log out",
            variant="soft",
            color_scheme="gray",
            size="1",
            on_click=SessionState.logout,
            data_testid="logout",
        ),
        align="center",
        spacing="3",
        class_name="pl-topbar",
    )


def app_shell(
    current: str, title: str, *children: rx.Component, actions: rx.Component | None = None
) -> rx.Component:
    """A signed-in page: nothing shows until the session is known to be live."""
    heading = rx.hstack(
        rx.heading(title, size="6"),
        rx.spacer(),
        actions if actions is not None else rx.fragment(),
        align="center",
        width="100%",
    )
    return rx.el.div(
        sidebar(current),
        rx.el.div(
            topbar(),
            rx.el.main(
                rx.cond(
                    SessionState.ready,
                    rx.vstack(heading, *children, spacing="5", width="100%"),
                    rx.center(rx.spinner(size="3"), padding="4em"),
                ),
                class_name="pl-main",
            ),
            class_name="pl-content",
        ),
        class_name="pl-app",
    )


def auth_shell(*children: rx.Component) -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("credit-card", size=22, color="var(--accent-9)"),
                    rx.heading("Paylinks", size="5"),
                    align="center",
                    spacing="2",
                ),
                *children,
                spacing="4",
                width="100%",
            ),
            size="4",
            width="100%",
            max_width="420px",
        ),
        min_height="100vh",
        padding="1em",
        class_name="pl-auth",
    )
