"""The core's outcome reports: each listener hears each one, once however often it was
added, and a listener that fails does not fail the use case that reports."""

import pytest

from paylinks import outcomes
from paylinks.outcomes import Subject
from paylinks.webhooks.model import AttemptResult, attempt_result


@pytest.fixture(autouse=True)
def no_listeners(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outcomes, "_listeners", [])


def test_each_listener_hears_each_outcome_once() -> None:
    heard: list[tuple[Subject, str]] = []
    outcomes.listen(lambda *outcome: heard.append(outcome))
    outcomes.report(Subject.PAYMENT, "canceled", 2)
    outcomes.report(Subject.REFUND, "succeeded")
    assert heard == [
        (Subject.PAYMENT, "canceled"),
        (Subject.PAYMENT, "canceled"),
        (Subject.REFUND, "succeeded"),
    ]


def test_a_listener_added_twice_hears_once() -> None:
    heard: list[str] = []

    def listener(subject: Subject, outcome: str) -> None:
        heard.append(outcome)

    outcomes.listen(listener)
    outcomes.listen(listener)
    outcomes.report(Subject.PAYMENT, "succeeded")
    assert heard == ["succeeded"]


def test_a_failing_listener_is_logged_and_the_others_still_hear(
    caplog: pytest.LogCaptureFixture,
) -> None:
    heard: list[str] = []

    def broken(subject: Subject, outcome: str) -> None:
        raise RuntimeError("the metrics are broken")

    outcomes.listen(broken)
    outcomes.listen(lambda subject, outcome: heard.append(outcome))
    outcomes.report(Subject.WEBHOOK_ATTEMPT, "rejected")
    assert heard == ["rejected"]
    assert "An outcome listener failed" in caplog.text


@pytest.mark.parametrize(
    ("status_code", "result"),
    [
        (200, AttemptResult.SUCCEEDED),
        (204, AttemptResult.SUCCEEDED),
        (301, AttemptResult.REJECTED),
        (500, AttemptResult.REJECTED),
        (None, AttemptResult.UNREACHABLE),
    ],
)
def test_an_attempt_result(status_code: int | None, result: AttemptResult) -> None:
    assert attempt_result(status_code) is result
