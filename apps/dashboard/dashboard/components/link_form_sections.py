"""The Availability and Image sections of the link form: when it expires, where it
belongs, and the picture shown at checkout."""

import reflex as rx

from dashboard import routes
from dashboard.components.field import error_text, invalid
from dashboard.components.image_dropzone import image_dropzone, remove_button
from dashboard.components.link_form_frame import errors, section, typed
from dashboard.link_draft import NO_VENUE
from dashboard.state.link_form import LinkFormState as F

UPLOAD_ID = "link-image"


def _expiry() -> rx.Component:
    message = errors.get("expires_at", "")

    def moment(name: str, kind: str, label: str) -> rx.Component:
        return rx.input(
            **{**typed(name, "expires_at"), "aria_invalid": invalid(message)},
            type=kind,
            aria_label=label,
            aria_describedby="expires_at-hint expires_at-error",
            data_testid=f"input-{name.replace('_', '-')}",
        )

    return rx.vstack(
        rx.el.label(
            rx.text("Expires (optional)", size="2", weight="medium"), html_for="expires_date"
        ),
        rx.hstack(
            moment("expires_date", "date", "Expiry date"),
            moment("expires_time", "time", "Expiry time"),
            rx.text(F.zone_name, size="2", color_scheme="gray"),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.text(
            "In your time zone, ",
            F.zone_name,
            " (now ",
            F.now_local,
            "). Without a time the link expires at 23:59 that day.",
            size="1",
            color_scheme="gray",
            id="expires_at-hint",
        ),
        error_text("expires_at", message),
        spacing="1",
        width="100%",
    )


def _venue() -> rx.Component:
    chooser = rx.vstack(
        rx.el.label(rx.text("Venue (optional)", size="2", weight="medium"), html_for="venue_id"),
        rx.select.root(
            rx.select.trigger(id="venue_id", min_width="220px", aria_describedby="venue_id-error"),
            rx.select.content(
                rx.select.item("No venue", value=NO_VENUE),
                rx.foreach(F.venues, lambda venue: rx.select.item(venue.name, value=venue.id)),
            ),
            value=F.draft.venue_id,
            on_change=F.set_venue,
        ),
        rx.text("Lets you filter links and payments by location.", size="1", color_scheme="gray"),
        error_text("venue_id", errors.get("venue_id", "")),
        spacing="1",
        width="100%",
    )
    return rx.cond(
        F.venues.length() > 0,  # type: ignore[attr-defined]
        chooser,
        rx.text(
            "No venues yet. ",
            rx.link("Add a venue", href=routes.VENUES),
            " to tie links to a location.",
            size="2",
            color_scheme="gray",
        ),
    )


def availability() -> rx.Component:
    return section("Availability", "", _expiry(), _venue())


def _uploaded() -> rx.Component:
    return rx.hstack(
        rx.image(
            src=F.draft.image_url,
            alt="The link's image",
            class_name="pl-image-preview",
            data_testid="image-preview",
        ),
        rx.vstack(
            rx.text("Shown at checkout.", size="2", color_scheme="gray"),
            remove_button(F.remove_image, "image-remove"),
            spacing="2",
        ),
        spacing="4",
        align="center",
    )


def image() -> rx.Component:
    dropzone = image_dropzone(
        UPLOAD_ID,
        F.uploading,
        "Drop an image here or click",
        F.upload_image(rx.upload_files(upload_id=UPLOAD_ID)),  # type: ignore[call-arg]
        F.image_rejected,
        error_id="image-error",
        test_id="image-dropzone",
    )
    return section(
        "Image (optional)",
        "A product photo or your logo, shown at checkout.",
        rx.box(rx.cond(F.draft.image_id, _uploaded(), dropzone), id="image", width="100%"),
        error_text("image", errors.get("image", "")),
    )
