"""The navigation menu of a phone: open or closed (on wider screens the sections always
show, and this is not read)."""

import reflex as rx


class NavigationState(rx.State):
    menu_open: bool = False

    @rx.event
    def toggle_menu(self) -> None:
        self.menu_open = not self.menu_open

    @rx.event
    def close_menu(self) -> None:
        """Once a section is chosen: the page it opens shows, not the menu."""
        self.menu_open = False
