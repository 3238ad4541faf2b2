"""What the merchant reads when an API call fails (pure): the problem's own words, or that
the API cannot be reached, and a form's field errors picked out of a problem."""

from dashboard import api

UNREACHABLE = "The Paylinks API cannot be reached right now. Please try again in a moment."

#: What an API call may raise: ``except FAILURES as error`` then ``message(error)``.
FAILURES = (api.Problem, api.Unreachable)


def message(error: api.Problem | api.Unreachable) -> str:
    return error.detail if isinstance(error, api.Problem) else UNREACHABLE


def field_errors(problem: api.Problem, known: set[str]) -> tuple[dict[str, str], str]:
    """The problem's messages for the fields the form has, and a line for the rest."""
    errors = {name: text for name, text in problem.errors.items() if name in known}
    others = [f"{name}: {text}" for name, text in problem.errors.items() if name not in known]
    notice = " ".join(others) if others else ("" if errors else problem.detail)
    return errors, notice


def form_failure(
    error: api.Problem | api.Unreachable, known: set[str]
) -> tuple[dict[str, str], str]:
    """A failed submit as the form shows it: messages under fields, and a notice."""
    if isinstance(error, api.Problem):
        return field_errors(error, known)
    return {}, UNREACHABLE
