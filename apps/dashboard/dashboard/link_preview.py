"""What the customer's checkout would show for the form as it stands (pure): the form's
live preview. It follows the checkout's own wording (``Pay £14.50``, ``Between … and …``)."""

from dataclasses import dataclass, field

from dashboard.display import MoneyError, money, parse_major
from dashboard.link_draft import CUSTOMER_FIELDS, FormDraft

#: The checkout's labels of the customer details (they differ from the form's).
CHECKOUT_LABELS = {"customer_name": "Full name", "business_name": "Business name"}
UNTITLED = "Your title"


@dataclass
class PreviewField:
    label: str = ""
    required: bool = False


@dataclass
class CheckoutPreview:
    store_name: str = ""
    title: str = UNTITLED
    description: str = ""
    image_url: str = ""
    #: The fixed amount (``£14.50``), or nothing for an amount the customer types.
    amount: str = ""
    #: For a variable amount: its bounds in words.
    bounds: str = ""
    variable: bool = False
    fields: list[PreviewField] = field(default_factory=list)
    button: str = "Pay"
    after: str = ""


def _amount(text: str, currency: str) -> int | None:
    try:
        amount = parse_major(text, currency) if text.strip() else None
    except MoneyError:
        return None
    return amount if amount is not None and amount > 0 else None


def _bounds(draft: FormDraft, currency: str) -> str:
    low, high = _amount(draft.min_amount, currency), _amount(draft.max_amount, currency)
    if low is not None and high is not None:
        return f"Between {money(low, currency)} and {money(high, currency)}"
    if low is not None:
        return f"At least {money(low, currency)}"
    if high is not None:
        return f"Up to {money(high, currency)}"
    return "Enter the amount you want to pay"


def preview_of(draft: FormDraft, currency: str, store_name: str) -> CheckoutPreview:
    variable = draft.amount_type == "variable"
    fixed = None if variable else _amount(draft.amount, currency)
    amount = money(fixed, currency)
    fields = [
        PreviewField(CHECKOUT_LABELS.get(name, label), mode == "required")
        for name, label in CUSTOMER_FIELDS
        if (mode := draft.customer_modes.get(name, "disabled")) != "disabled"
    ]
    if draft.after_type == "redirect":
        after = f"Then goes to {draft.redirect_url.strip() or 'your website'}"
    else:
        after = "Then shows " + (
            f"your message: {draft.thank_you_message.strip()}"
            if draft.thank_you_message.strip()
            else "a thank-you page"
        )
    return CheckoutPreview(
        store_name=store_name,
        title=draft.title.strip() or UNTITLED,
        description=draft.description.strip(),
        image_url=draft.image_url,
        amount=amount,
        bounds=_bounds(draft, currency) if variable else "",
        variable=variable,
        fields=fields,
        button=f"Pay {amount}" if amount else "Pay",
        after=after,
    )
