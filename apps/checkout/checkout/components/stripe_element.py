"""Stripe's Payment Element, wrapped as a Reflex component.

Stripe.js is loaded from Stripe only when this component mounts, that is only on the page
of a store whose gateway is Stripe (sandbox pages load nothing external). The element runs
in deferred-intent mode (amount, currency, manual capture), so no payment is started, and
no slot of the link held, before the customer presses Pay. The page talks to it through
``window.paylinksStripe``: ``submit(amount)`` checks the card details, then, once the API
started the payment, ``confirm(clientSecret)`` confirms its PaymentIntent. Both resolve to
``{error: <message or null>}``.
"""

import reflex as rx
from reflex_base.constants.compiler import MemoizationDisposition, MemoizationMode
from reflex_base.utils.imports import ImportDict
from reflex_base.vars.base import Var

STRIPE_JS = "https://js.stripe.com/v3/"

_LOADER = f"""
let paylinksStripeJs = null;
const paylinksLoadStripe = () => {{
  if (window.Stripe) return Promise.resolve(window.Stripe);
  if (!paylinksStripeJs) {{
    paylinksStripeJs = new Promise((resolve, reject) => {{
      const script = document.createElement("script");
      script.src = "{STRIPE_JS}";
      script.async = true;
      script.onload = () => window.Stripe
        ? resolve(window.Stripe)
        : reject(new Error("Stripe.js did not start."));
      script.onerror = () => {{
        paylinksStripeJs = null;
        reject(new Error("The card form could not be loaded. Check your connection."));
      }};
      document.head.appendChild(script);
    }});
  }}
  return paylinksStripeJs;
}};
"""


class StripePaymentElement(rx.el.Div):
    """The element's mount point; its settings travel as data attributes."""

    _memoization_mode = MemoizationMode(disposition=MemoizationDisposition.ALWAYS, recursive=False)

    @classmethod
    def create(cls, *children, **props):
        props.setdefault("id", "stripe-payment-element")
        return super().create(*children, **props)

    def add_imports(self) -> ImportDict:
        return {"react": ["useEffect"]}

    def add_custom_code(self) -> list[str]:
        return [_LOADER]

    def add_hooks(self) -> list[str | Var]:
        ref = self.get_ref()
        return [
            f"""
useEffect(() => {{
  const node = {ref}.current;
  if (!node) return;
  let cancelled = false;
  let element = null;
  const {{ publishableKey, amount, currency }} = node.dataset;
  const notReady = async () => ({{ error: "The card form is still loading." }});
  window.paylinksStripe = {{ ready: false, submit: notReady, confirm: notReady }};
  paylinksLoadStripe().then((Stripe) => {{
    if (cancelled) return;
    const stripe = Stripe(publishableKey);
    const options = {{ mode: "payment", currency: currency.toLowerCase(),
                       captureMethod: "manual" }};
    // A variable amount is set on submit; the element needs one to start with.
    options.amount = Number(amount) > 0 ? Number(amount) : 100;
    const elements = stripe.elements(options);
    element = elements.create("payment");
    element.mount(node);
    window.paylinksStripe = {{
      ready: true,
      submit: async (charge) => {{
        if (charge) elements.update({{ amount: Number(charge) }});
        const result = await elements.submit();
        return {{ error: result.error ? result.error.message : null }};
      }},
      confirm: async (clientSecret) => {{
        const result = await stripe.confirmPayment({{
          elements, clientSecret, redirect: "if_required",
          confirmParams: {{ return_url: window.location.href }},
        }});
        return {{ error: result.error ? result.error.message : null,
                  status: result.paymentIntent ? result.paymentIntent.status : null }};
      }},
    }};
  }}).catch((error) => {{
    const failed = async () => ({{ error: error.message }});
    window.paylinksStripe = {{ ready: false, submit: failed, confirm: failed }};
    node.textContent = error.message;
  }});
  return () => {{ cancelled = true; if (element) element.destroy(); }};
}}, []);
""",
        ]


def stripe_payment_element(publishable_key: Var, amount: Var, currency: Var) -> rx.Component:
    return StripePaymentElement.create(
        data_publishable_key=publishable_key,
        data_amount=amount,
        data_currency=currency,
        class_name="pl-stripe-element",
    )
