"""The ``paylinks`` command, the composition root of Paylinks: it depends on the API, the
worker and both web apps, and wires them together — the API with the worker's jobs in its
process on the embedded default, the web apps beside it, a demo store. Nothing imports it.
"""
