"""The frame of every signed-in page (a skip link; a sidebar of sections, a menu on a
phone; the store and its mode on top; the page's main content) and the narrow card of the
login and sign-up pages."""

import reflex as rx

from dashboard import routes
from dashboard.state.navigation import NavigationState
from dashboard.state.session import SessionState

#: The id of each page's main content, where the skip link goes.
MAIN_ID = "main"
#: The id of the navigation, which the phone's menu button opens.
NAV_ID = "pl-nav"


def skip_link() -> rx.Component:
    """The first Tab stop of a page: straight to its content, past the navigation."""
    return rx.el.a("Skip to content", href=f"#{MAIN_ID}", class_name="pl-skip")


def _nav_item(label: str, icon: str, href: str, section: str, current: str) -> rx.Component:
    here = section == current
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=16, aria_hidden="true"),
            rx.text(label, size="2"),
            align="center",
            spacing="2",
        ),
        href=href,
        class_name="pl-nav-item" + (" pl-nav-current" if here else ""),
        underline="none",
        # Not Reflex's default hover colour for links (too light to read on the page).
        _hover={"color": "inherit"},
        on_click=NavigationState.close_menu,
        data_testid=f"nav-{section}",
        **({"aria_current": "page"} if here else {}),
    )


def _menu_button() -> rx.Component:
    """On a phone, the sections are behind this button (a disclosure: ``aria-expanded``)."""
    return rx.button(
        rx.cond(
            NavigationState.menu_open,
            rx.icon("x", size=18, aria_hidden="true"),
            rx.icon("menu", size=18, aria_hidden="true"),
        ),
        "Menu",
        variant="soft",
        color_scheme="gray",
        on_click=NavigationState.toggle_menu,
        aria_expanded=rx.cond(NavigationState.menu_open, "true", "false"),
        aria_controls=NAV_ID,
        class_name="pl-menu-button",
        data_testid="menu",
    )


def _brand() -> rx.Component:
    return rx.hstack(
        rx.icon("credit-card", size=20, color="var(--accent-9)", aria_hidden="true"),
        rx.text("Paylinks", weight="bold", size="4"),
        align="center",
        spacing="2",
        class_name="pl-brand",
    )


def sidebar(current: str) -> rx.Component:
    """The page's banner: the brand and the sections (a menu on a phone)."""
    links = rx.cond(
        SessionState.payments_activated,
        rx.fragment(
            _nav_item("Payment Links", "link", routes.LINKS, "links", current),
            _nav_item("Exports", "download", routes.EXPORTS, "exports", current),
        ),
        rx.fragment(),
    )
    return rx.el.header(
        rx.el.div(_brand(), _menu_button(), class_name="pl-sidebar-top"),
        rx.el.nav(
            rx.text("PAYMENTS", size="1", class_name="pl-nav-heading"),
            links,
            _nav_item("Venues", "map-pin", routes.VENUES, "venues", current),
            rx.text("STORE", size="1", class_name="pl-nav-heading"),
            _nav_item("Settings", "settings", routes.SETTINGS, "settings", current),
            _nav_item("Developers", "code", routes.DEVELOPERS, "developers", current),
            id=NAV_ID,
            aria_label="Sections",
            class_name=rx.cond(NavigationState.menu_open, "pl-nav pl-nav-open", "pl-nav"),
        ),
        class_name="pl-sidebar",
    )


def topbar() -> rx.Component:
    """The store, its mode and the signed-in merchant, above every page."""
    return rx.flex(
        rx.hstack(
            rx.text(
                SessionState.store_name,
                weight="medium",
                class_name="pl-break",
                data_testid="store-name",
            ),
            rx.cond(
                SessionState.test_mode,
                rx.badge("Test mode", color_scheme="orange", variant="soft"),
                rx.fragment(),
            ),
            align="center",
            spacing="2",
            min_width="0",
        ),
        rx.spacer(),
        rx.hstack(
            rx.text(SessionState.user_email, size="2", color_scheme="gray", class_name="pl-break"),
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
            min_width="0",
        ),
        align="center",
        gap="2",
        wrap="wrap",
        class_name="pl-topbar",
    )


def page_heading(title: str | rx.Var, actions: rx.Component | None = None) -> rx.Component:
    """The page's title, with its actions beside it (under it when the title is long)."""
    return rx.flex(
        rx.heading(title, size="6", as_="h1", class_name="pl-break", min_width="0"),
        rx.spacer(),
        actions if actions is not None else rx.fragment(),
        align="center",
        gap="3",
        wrap="wrap",
        width="100%",
    )


def app_shell(
    current: str, title: str, *children: rx.Component, actions: rx.Component | None = None
) -> rx.Component:
    """A signed-in page: nothing shows until the session is known to be live."""
    return rx.el.div(
        skip_link(),
        sidebar(current),
        rx.el.div(
            topbar(),
            rx.el.main(
                rx.cond(
                    SessionState.ready,
                    rx.vstack(page_heading(title, actions), *children, spacing="5", width="100%"),
                    rx.center(rx.spinner(size="3"), padding="4em"),
                ),
                id=MAIN_ID,
                tab_index=-1,
                class_name="pl-main",
            ),
            class_name="pl-content",
        ),
        class_name="pl-app",
    )


def auth_shell(*children: rx.Component) -> rx.Component:
    """The login and sign-up pages: one card, the page's main content."""
    return rx.el.main(
        rx.center(
            rx.card(
                rx.vstack(
                    rx.hstack(
                        rx.icon(
                            "credit-card", size=22, color="var(--accent-9)", aria_hidden="true"
                        ),
                        rx.text("Paylinks", size="5", weight="bold"),
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
        ),
        class_name="pl-auth",
    )
