"""Domain errors. Services raise them; views turn them into form errors or messages, the API into 400s."""

from __future__ import annotations


class ApplicationError(Exception):
    """A rule of the domain was broken. ``message`` is Vietnamese and safe to show to the user.

    ``field_errors`` maps form field names to messages so a form can put each one beside its field.
    Messages must never contain personal data (citizen ID, address, phone).
    """

    def __init__(self, message: str, *, field_errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class PermissionDenied(ApplicationError):
    pass


class NotFound(ApplicationError):
    pass
