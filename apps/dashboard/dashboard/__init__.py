"""Paylinks merchant dashboard (Reflex)."""
