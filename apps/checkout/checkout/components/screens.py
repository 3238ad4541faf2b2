"""Whole-card screens: loading, a link that can't be paid, success, redirecting."""

import reflex as rx


def spinner(dark: bool = False) -> rx.Component:
    return rx.el.span(class_name="pl-spinner pl-dark" if dark else "pl-spinner", aria_hidden="true")


def loading_screen(text: rx.Var | str) -> rx.Component:
    return rx.el.div(
        spinner(dark=True),
        rx.el.p(text),
        class_name="pl-screen",
        role="status",
        aria_live="polite",
        id="screen-loading",
    )


def status_screen(
    screen_id: str,
    icon: str,
    tone: str,
    heading: rx.Var | str,
    *lines: rx.Component | rx.Var | str,
    action: rx.Component | None = None,
) -> rx.Component:
    """A heading and a few lines about where the customer stands, with an icon of its tone
    (``ok``, ``bad``, ``wait`` or neutral). The heading takes focus when its screen comes
    after an action (``{screen_id}-heading``)."""
    return rx.el.section(
        rx.el.div(rx.icon(icon, size=28), class_name=f"pl-icon pl-{tone}", aria_hidden="true"),
        rx.el.h1(heading, id=f"{screen_id.removeprefix('screen-')}-heading", tab_index=-1),
        *[line if isinstance(line, rx.Component) else rx.el.p(line) for line in lines],
        *([action] if action is not None else []),
        class_name="pl-screen",
        id=screen_id,
        aria_live="polite",
    )


def receipt(
    rows: list[tuple[rx.Var | str, rx.Var | str, str]], mono: tuple[str, ...] = ()
) -> rx.Component:
    """Label / value pairs (``dl``), each value with an id; the ``mono`` ones are codes."""
    return rx.el.dl(
        *[
            rx.el.div(
                rx.el.dt(label),
                rx.el.dd(value, id=value_id, class_name="pl-mono" if value_id in mono else ""),
            )
            for label, value, value_id in rows
        ],
        class_name="pl-receipt",
    )
