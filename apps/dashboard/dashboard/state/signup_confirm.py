"""The page of the link a sign-up emails: it creates the store from the link's token and
signs its owner in, or says why it cannot (expired, or used already)."""

from typing import Any

from dashboard import api
from dashboard.failures import UNREACHABLE
from dashboard.state.session import SessionState

EXPIRED = "This link is invalid or has expired. Sign up again to get a new one."
USED = "This store has been created already: log in with your email and password."


class SignupConfirmState(SessionState):
    #: What went wrong, for the page to say (empty while working, or once signed in).
    confirm_problem: str = ""
    #: The link was used already: the way on is to log in, not to sign up again.
    confirm_used: bool = False

    async def confirm(self) -> Any:
        """``on_load``: post the link's token; signed in, on to the store."""
        self.confirm_problem = ""
        self.confirm_used = False
        token = self.router.url.query_parameters.get("token", "")
        if not token:
            self.confirm_problem = EXPIRED
            return None
        try:
            session = await api.client(
                client_ip=self.router.session.client_ip or None
            ).confirm_signup(token)
        except api.Problem as problem:
            self.confirm_used = problem.code == "already_confirmed"
            self.confirm_problem = USED if self.confirm_used else EXPIRED
            if problem.code == "rate_limited" and problem.retry_after:
                self.confirm_problem = (
                    f"Too many attempts. Reload this page in {problem.retry_after} seconds."
                )
            return None
        except api.Unreachable:
            self.confirm_problem = UNREACHABLE
            return None
        await self._signed_in_as(str(session["token"]))
        return await self.open_home()
