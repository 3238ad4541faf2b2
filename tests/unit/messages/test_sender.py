"""Building an email: a message whose text cannot make one fails for good."""

import msgspec
import pytest

from paylinks.messages.model import Rendered
from paylinks.messages.sender import SendFailed, build_email
from paylinks.settings import Settings, load_settings


@pytest.fixture
def settings() -> Settings:
    return msgspec.structs.replace(
        load_settings({"PAYLINKS_SECRET_KEY": "test-secret-key-" + "x" * 32}, env_file=None),
        email_from="Paylinks <pay@shop.example>",
    )


def rendered(subject: str) -> Rendered:
    return Rendered(subject=subject, text="Pay here", html="<p>Pay here</p>", sms="Pay")


class TestBuildEmail:
    def test_an_ordinary_message(self, settings: Settings) -> None:
        message = build_email("a@example.com", rendered("Acme: Tea – 東京"), settings)
        assert message["Subject"] == "Acme: Tea – 東京"
        assert message["To"] == "a@example.com"

    @pytest.mark.parametrize(
        "subject",
        ["Acme: Tea\nBcc: x@example.com", "Acme: Tea\rCc: y@example.com", "Acme: Tea\u2028Coffee"],
    )
    def test_a_line_break_in_the_subject_is_a_permanent_failure(
        self, settings: Settings, subject: str
    ) -> None:
        with pytest.raises(SendFailed) as caught:
            build_email("a@example.com", rendered(subject), settings)
        assert caught.value.permanent
        assert "could not be built" in str(caught.value)
