"""Retention: operational records (events with their deliveries and attempts, message
records) purged after a configurable age; the merchant's records are kept."""
