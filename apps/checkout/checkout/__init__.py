"""The hosted checkout: the Reflex app customers pay on, at ``/pay/{plink_id}``.

It talks to the public checkout API over HTTP (``PAYLINKS_API_URL``) like any integrator
and imports only pure modules of ``paylinks`` (money, the payment rules).
"""
