"""Paylinks background jobs (Dramatiq): outbox relay, refunds, holds and deliveries."""
