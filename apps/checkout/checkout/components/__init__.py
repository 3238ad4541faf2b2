"""Stateless pieces of the checkout: they take values (or Vars) and return components."""
