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


def _deactivate() -> rx.Component:
    return confirm_dialog(
        trigger=rx.button(
            rx.icon("ban", size=14),
            "Deactivate",
            color_scheme="red",
            variant="soft",
            loading=S.deactivating,
            data_testid="deactivate",
        ),
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
    return confirm_dialog(
        trigger=rx.button(
            rx.icon("rotate-ccw", size=14),
            "Reactivate",
            variant="soft",
            loading=S.reactivating,
            data_testid="reactivate",
        ),
        title="Reactivate this link?",
        description="Customers can pay at its address again, unless it has expired. A "
        "one-off link that was paid, or a link that reached its limit of payments, stays "
        "inactive.",
        cancel_label="Keep it inactive",
        confirm_label="Reactivate link",
        on_confirm=S.reactivate,
        test_id="reactivate-dialog",
        confirm_test_id="reactivate-confirm",
    )


def link_actions() -> rx.Component:
    return rx.cond(
        S.found,
        rx.flex(
            _go("Edit", "pencil", routes.edit_link(S.plink), "edit"),  # type: ignore[arg-type]
            _go("Duplicate", "copy-plus", routes.duplicate_link(S.plink), "duplicate"),  # type: ignore[arg-type]
            rx.cond(S.deactivatable, _deactivate()),
            rx.cond(S.reactivatable, _reactivate()),
            gap="2",
            wrap="wrap",
            flex_shrink="0",
        ),
    )
