"""The state of the dialogs the list pages share, each mixed into a page's state next to
``SessionState``: a form in a dialog (``DialogForm``), a secret shown once
(``SecretOnce``) and a confirmation of a destructive action (``Confirmation``). The
components that show them are in ``components/dialogs.py``."""

import secrets
from collections.abc import Awaitable
from typing import Any

import reflex as rx

from dashboard.failures import FAILURES, form_failure


class DialogForm(rx.State, mixin=True):
    """A create form in a dialog. Each opening gets a one-time ``form_key`` that the form
    sends back: a double submit (or one queued behind the first) is ignored, so it
    creates one thing."""

    form_open: bool = False
    form_errors: dict[str, str] = {}
    form_notice: str = ""
    submitting: bool = False
    form_key: str = ""

    def show_form(self, is_open: bool) -> None:
        self.form_open = is_open
        self.form_errors = {}
        self.form_notice = ""
        self.form_key = secrets.token_hex(8) if is_open else ""

    def _takes(self, form: dict[str, Any]) -> bool:
        """Whether this submit belongs to the form open now (and none is under way)."""
        return not self.submitting and bool(self.form_key) and form.get("form_key") == self.form_key

    def _begin(self, form: dict[str, Any], errors: dict[str, str]) -> bool:
        """Take a submit of the open form: False when it is not this form's (a double
        submit) or ``errors`` (the form's own checks) are shown; else it is under way."""
        if not self._takes(form):
            return False
        self.form_errors = errors
        self.form_notice = ""
        if errors:
            return False
        self.submitting = True
        return True

    async def _complete(self, call: Awaitable[Any], fields: set[str]) -> Any:
        """The API's answer to a submit under way, the dialog closed; None when it failed
        (the problem shown next to ``fields``, the dialog left open)."""
        try:
            answer = await call
        except FAILURES as error:
            self.form_errors, self.form_notice = form_failure(error, fields)
            return None
        finally:
            self.submitting = False
        self.show_form(False)
        return answer


class SecretOnce(rx.State, mixin=True):
    """A secret the API gives once (a new API key, a webhook signing secret), held only
    while its dialog is open."""

    new_secret: str = ""
    #: What the secret belongs to (the key's name, the endpoint's URL).
    new_secret_for: str = ""

    @rx.var
    def secret_shown(self) -> bool:
        return bool(self.new_secret)

    def _reveal(self, secret: Any, owner: Any) -> None:
        self.new_secret = str(secret or "")
        self.new_secret_for = str(owner or "")

    def forget_secret(self) -> None:
        self.new_secret = self.new_secret_for = ""

    def secret_dialog_changed(self, is_open: bool) -> None:
        if not is_open:
            self.forget_secret()


class Confirmation(rx.State, mixin=True):
    """An action on one row (``confirm_action`` on ``confirm_id``) waiting for the
    merchant's yes; the page's ``confirm`` handler carries it out."""

    confirm_action: str = ""
    confirm_id: str = ""
    #: How the row is named in the question (a key's name, an endpoint's URL).
    confirm_name: str = ""
    confirming: bool = False

    @rx.var
    def confirm_asked(self) -> bool:
        return bool(self.confirm_id)

    def _ask(self, action: str, row_id: str, name: str) -> None:
        self.confirm_action = action
        self.confirm_id = row_id
        self.confirm_name = name

    def _clear_confirm(self) -> None:
        self.confirm_action = self.confirm_id = self.confirm_name = ""
        self.confirming = False

    def confirm_dialog_changed(self, is_open: bool) -> None:
        # Not while the action runs: its outcome closes the dialog.
        if not is_open and not self.confirming:
            self._clear_confirm()
