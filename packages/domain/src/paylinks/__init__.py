"""Paylinks core: the domain model, its pure rules and its persistence.

No web framework is imported here; the API and the worker build on this package.
"""
