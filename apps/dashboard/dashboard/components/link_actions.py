"""The actions in a link page's header: Edit, Duplicate, and Deactivate or Reactivate,
each changing the link only after a confirmation."""

import reflex as rx

from dashboard import routes
from dashboard.components.dialogs import confirm_dialog
from dashboard.state.link_detail import LinkDetailState as S


def _go(label: str, icon: str, href: rx.Var, test_id: str) -> rx.Component:
    return rx.button(
        rx.icon(icon, size=14),
        label,
        variant="soft",
        color_scheme="gray",
        on_click=rx.redirect(href),
        data_testid=test_id,
    )


def _trigger(action: str, icon: str, color: str, busy: rx.Var[bool]) -> rx.Component:
    return rx.button(
        rx.icon(icon, size=14),
        action.capitalize(),
        color_scheme=color,
        variant="soft",
        high_contrast=True,
        loading=busy,
        data_testid=action,
    )


def _deactivate() -> rx.Component:
    return confirm_dialog(
        trigger=_trigger("deactivate", "ban", "red", S.deactivating),
        title="Deactivate this link?",
        description="Customers who open it will read that it is no longer active, and it "
        "cannot be paid until you reactivate it. Payments already made and their refunds "
        "stay as they are.",
        cancel_label="Keep it active",
        confirm_label="Deactivate link",
        on_confirm=S.deactivate,
        test_id="deactivate-dialog",
        confirm_test_id="deactivate-confirm",
    )


def _reactivate() -> rx.Component:
    """Not destructive: its confirmation is the accent colour, not red."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(_trigger("reactivate", "rotate-ccw", "indigo", S.reactivating)),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Reactivate this link?"),
            rx.alert_dialog.description(
                "Customers can pay at its address again, unless it has expired. A one-off "
                "link that was paid, or a link that reached its limit of payments, stays "
                "inactive.",
                size="2",
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button("Keep it inactive", variant="soft", color_scheme="gray")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        "Reactivate link",
                        on_click=S.reactivate,
                        data_testid="reactivate-confirm",
                    )
                ),
                justify="end",
                spacing="3",
                margin_top="16px",
            ),
            max_width="480px",
            data_testid="reactivate-dialog",
        ),
    )


def link_actions() -> rx.Component:
    return rx.cond(
        S.found,
        rx.flex(
            _go("Edit", "pencil", routes.edit_link(S.plink), "edit"),  # type: ignore[arg-type]
            _go("Duplicate", "copy-plus", routes.duplicate_link(S.plink), "duplicate"),  # type: ignore[arg-type]
            rx.cond(S.deactivatable, _deactivate()),
            rx.cond(S.reactivatable, _reactivate()),
            spacing="2",
            wrap="wrap",
            flex_shrink="0",
        ),
    )
