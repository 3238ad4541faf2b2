"""Domain errors with stable codes; the API maps each kind to an HTTP status."""

import msgspec


class FieldError(msgspec.Struct, frozen=True):
    field: str
    message: str


class DomainError(Exception):
    """Base of every error a use case raises on purpose. ``code`` is stable for clients."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class ValidationFailed(DomainError):
    code = "validation_error"

    def __init__(self, errors: list[FieldError], message: str = "The request is invalid.") -> None:
        super().__init__(message)
        self.errors = errors

    def renamed(self, fields: dict[str, str]) -> "ValidationFailed":
        """The same errors under the names a caller's request gave the fields."""
        errors = [FieldError(fields.get(e.field, e.field), e.message) for e in self.errors]
        return ValidationFailed(errors, self.message)


class BadRequest(ValidationFailed):
    """A request the API cannot take as sent (400), naming the field at fault: a query
    parameter the operation does not have, a cursor that is not an id of its list, a JSON
    object with a key twice."""

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__([FieldError(field, message)], message)
        self.code = code


class NotFound(DomainError):
    code = "resource_missing"


class Conflict(DomainError):
    code = "conflict"


class Unauthorized(DomainError):
    code = "unauthorized"


def invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, message)])
