"""The emails of a sign-up, pure: the link that confirms a new store, or, to an address
that has an account already, a note that says so and where to log in. Both are sent for
the same request, so only the mailbox's owner learns which one it was."""

import html

from paylinks.messages.model import Rendered


def _email(subject: str, lines: list[str], url: str, button: str, footer: str) -> Rendered:
    """Paragraphs, then the link (a button in HTML), then a footer."""
    text = "\n\n".join(lines) + f"\n{url}\n\n{footer}\n"
    e = html.escape
    paragraphs = "".join(f"<p>{e(line)}</p>" for line in lines)
    body_html = (
        '<!doctype html><html><body style="font-family:sans-serif;color:#111">'
        f"{paragraphs}"
        f'<p><a href="{e(url, quote=True)}" style="display:inline-block;padding:10px 16px;'
        f'background:#111;color:#fff;text-decoration:none;border-radius:6px">{e(button)}</a></p>'
        f'<p style="color:#555;font-size:12px">{e(url)}</p><p>{e(footer)}</p></body></html>'
    )
    return Rendered(subject=subject, text=text, html=body_html, sms="")


def render_confirmation(store_name: str, url: str) -> Rendered:
    """To a new address: the link that creates the store (good for 24 hours)."""
    return _email(
        "Finish creating your Paylinks store",
        [
            f"Someone, hopefully you, started creating the store {store_name} on Paylinks.",
            "Follow this link within 24 hours to finish creating it:",
        ],
        url,
        "Create my store",
        "If it was not you, ignore this email: nothing is created without it.",
    )


def render_existing_account(url: str) -> Rendered:
    """To an address that has an account: nothing new is created, log in instead."""
    return _email(
        "You already have a Paylinks account",
        [
            "Someone, hopefully you, tried to create a Paylinks store with this email.",
            "You already have an account: log in here.",
        ],
        url,
        "Log in",
        "If it was not you, ignore this email: nothing has changed.",
    )
