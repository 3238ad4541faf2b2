"""A drop zone for one image (PNG, JPEG or WebP up to 5 MB): a link's image, the logo."""

from typing import Any

import reflex as rx

from dashboard.image_rules import IMAGE_MAX_BYTES, IMAGE_TYPES


def image_dropzone(
    upload_id: str,
    busy: rx.Var,
    text: str,
    on_drop: Any,
    on_rejected: Any,
    *,
    error_id: str,
    test_id: str,
) -> rx.Component:
    """``on_drop`` receives the files (``rx.upload_files(upload_id=…)``)."""
    zone = rx.upload.root(
        rx.vstack(
            rx.cond(
                busy, rx.spinner(size="3"), rx.icon("image-plus", size=28, color="var(--gray-9)")
            ),
            rx.text(rx.cond(busy, "Uploading…", text), size="2", weight="medium"),
            rx.text("PNG, JPEG or WebP, up to 5 MB.", size="1", color_scheme="gray"),
            align="center",
            spacing="1",
        ),
        id=upload_id,
        accept=IMAGE_TYPES,
        max_files=1,
        multiple=False,
        max_size=IMAGE_MAX_BYTES,
        disabled=busy,
        on_drop=on_drop,
        on_drop_rejected=on_rejected,
        class_name="pl-dropzone",
        aria_describedby=error_id,
        data_testid=test_id,
    )
    return _named_file_input(zone, text)


def _named_file_input(component: rx.Component, name: str) -> rx.Component:
    """The drop zone's own file input (made by Reflex, with no props of ours) gets an
    accessible name: screen readers and axe-core read an unnamed input as a fault."""
    for child in component.children:
        if getattr(child, "tag", "") == "input":
            child.custom_attrs = {**child.custom_attrs, "aria-label": name}
        else:
            _named_file_input(child, name)
    return component


def remove_button(on_click: Any, test_id: str) -> rx.Component:
    """Takes the uploaded image away again."""
    return rx.button(
        rx.icon("trash-2", size=14),
        "Remove",
        type="button",
        size="1",
        variant="soft",
        color_scheme="red",
        on_click=on_click,
        data_testid=test_id,
    )
