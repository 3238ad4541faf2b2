"""Store Settings > Store: the form's rules, pure. The API checks every field again (and
says which is wrong); here only what the form itself means: blank brand colour is none,
an unticked box is receipts off."""

from typing import Any

from paylinks.countries import countries, country_name

#: Every country as (code, English name), by name: the sign-up's and Settings' choices.
COUNTRY_OPTIONS: list[tuple[str, str]] = sorted(
    ((code, country_name(code)) for code in countries()), key=lambda option: option[1]
)
#: The form's fields, as the API names them.
FIELDS = ("name", "country", "brand_color", "receipts_enabled")


def store_changes(form: dict[str, Any]) -> dict[str, Any]:
    """``PATCH /v1/store``'s body from the submitted form."""
    color = str(form.get("brand_color") or "").strip()
    return {
        "name": str(form.get("name") or "").strip(),
        "country": str(form.get("country") or "").strip(),
        "brand_color": color or None,
        "receipts_enabled": str(form.get("receipts_enabled") or "") in ("on", "true"),
    }
