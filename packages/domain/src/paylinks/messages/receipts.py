"""A customer's receipt and refund notice: text and HTML in the checkout's language, with
the store's name, logo and brand colour. Pure: the words come from gettext catalogs
(``messages/locales/<lang>/LC_MESSAGES/receipts.po``), dates and money from babel."""

import html
from datetime import datetime
from pathlib import Path

import msgspec
from babel.dates import format_datetime

from paylinks.branding import text_on
from paylinks.i18n import N_, Catalogs
from paylinks.locales import DEFAULT, supported
from paylinks.messages.model import Rendered
from paylinks.money import format_amount

CATALOGS = Catalogs(Path(__file__).with_name("locales"), "receipts")

#: Every text of a receipt or refund notice, by key; placeholders are ``{name}``.
TEXTS: dict[str, str] = {
    "receipt_subject": N_("Your receipt from {store}"),
    "receipt_intro": N_("Thank you for your payment to {store}."),
    "refund_subject": N_("Your refund from {store}"),
    "refund_intro": N_("{store} has refunded {amount} of your payment."),
    "paid_for": N_("For"),
    "amount_paid": N_("Amount paid"),
    "refunded": N_("Refunded"),
    "date": N_("Date"),
    "payment_reference": N_("Payment reference"),
    "keep": N_("Keep this email for your records."),
}
#: The default accent of the emails, for stores without a brand colour.
DEFAULT_ACCENT = "#3e4fd6"


class Paid(msgspec.Struct, frozen=True, kw_only=True):
    """What a receipt or notice says: the store's face and the payment (or refund)."""

    store: str
    logo_url: str | None
    brand_color: str | None
    title: str
    amount: int
    currency: str
    when: datetime
    reference: str
    locale: str | None


def _words(locale: str) -> dict[str, str]:
    return CATALOGS.texts(locale, TEXTS)


def render(paid: Paid, refund: bool = False) -> Rendered:
    """The receipt (or, with ``refund``, the refund notice) of ``paid``."""
    lang = supported(paid.locale or DEFAULT) or DEFAULT
    words = _words(lang)
    amount = format_amount(paid.amount, paid.currency, lang)
    when = str(format_datetime(paid.when, format="long", locale=lang))
    subject = words["refund_subject" if refund else "receipt_subject"].format(store=paid.store)
    intro = (
        words["refund_intro"].format(store=paid.store, amount=amount)
        if refund
        else words["receipt_intro"].format(store=paid.store)
    )
    rows = [
        (words["paid_for"], paid.title),
        (words["refunded" if refund else "amount_paid"], amount),
        (words["date"], when),
        (words["payment_reference"], paid.reference),
    ]
    text = (
        f"{intro}\n\n"
        + "".join(f"{label}: {value}\n" for label, value in rows)
        + f"\n{words['keep']}\n"
    )
    return Rendered(
        subject=subject[:300],
        text=text,
        html=_html(paid, intro, rows, words["keep"], lang),
        sms=f"{subject}: {amount}",
    )


def _html(paid: Paid, intro: str, rows: list[tuple[str, str]], keep: str, lang: str) -> str:
    e = html.escape
    accent = paid.brand_color or DEFAULT_ACCENT
    logo = (
        f'<img src="{e(paid.logo_url, quote=True)}" alt="{e(paid.store, quote=True)}" '
        'style="max-height:48px;max-width:200px;display:block;margin:0 0 16px">'
        if paid.logo_url
        else ""
    )
    cells = "".join(
        f'<tr><td style="padding:8px 12px 8px 0;color:#555">{e(label)}</td>'
        f'<td style="padding:8px 0;font-weight:600;word-break:break-word">{e(value)}</td></tr>'
        for label, value in rows
    )
    return (
        f'<!doctype html><html lang="{lang}"><body style="font-family:sans-serif;color:#111">'
        f'<div style="border-top:6px solid {accent};padding:16px 0">{logo}'
        f'<p style="margin:0 0 8px;font-size:16px;font-weight:600;color:{text_on(accent)};'
        f'background:{accent};display:inline-block;padding:4px 10px;border-radius:4px">'
        f"{e(paid.store)}</p>"
        f"<p>{e(intro)}</p><table>{cells}</table>"
        f'<p style="color:#555;font-size:12px">{e(keep)}</p></div></body></html>'
    )
