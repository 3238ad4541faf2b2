from piccolo.columns import BigInt, Integer, Timestamptz, Varchar
from piccolo.table import Table


class PaymentTable(Table, tablename="payment"):
    id = Varchar(length=40, primary_key=True)
    store_id = Varchar(length=40)
    payment_link_id = Varchar(length=40)
    amount = BigInt()
    currency = Varchar(length=3)
    status = Varchar(length=24)
    gateway = Varchar(length=16)
    # The gateway's reference: a Stripe PaymentIntent id, or the sandbox's own.
    reference = Varchar(length=120, null=True, default=None, unique=True)
    customer_business_name = Varchar(length=120, null=True, default=None)
    customer_name = Varchar(length=120, null=True, default=None)
    customer_email = Varchar(length=320, null=True, default=None)
    customer_phone = Varchar(length=20, null=True, default=None)
    card_last4 = Varchar(length=4, null=True, default=None)
    failure_reason = Varchar(length=300, null=True, default=None)
    hold_expires_at = Timestamptz()
    # Set once by the single confirmation that may talk to the gateway.
    confirm_started_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    paid_at = Timestamptz(null=True, default=None)
    amount_refunded = BigInt(default=0)
    amount_refund_pending = BigInt(default=0)
    # A payment that timed out with an authorisation at the gateway (a Stripe
    # PaymentIntent): when to cancel it there next (None: nothing to cancel), and how often
    # that was tried.
    void_due_at = Timestamptz(null=True, default=None)
    void_attempts = Integer(default=0)
    # The integrator's own id for the payment, from the checkout URL (Stripe's name).
    client_reference_id = Varchar(length=200, null=True, default=None)
    # The language the customer paid in: their receipt is written in it.
    locale = Varchar(length=16, null=True, default=None)
