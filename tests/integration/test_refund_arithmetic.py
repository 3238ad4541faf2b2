"""Refund arithmetic, property-based (SPEC §4): whatever refunds are asked for, settled,
failed, settled again or raced, nothing is refunded beyond what was paid and no total goes
negative. The pure rules first, then the real services on SQLite and PostgreSQL."""

import asyncio
import itertools
import uuid
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import msgspec
import pytest
from hypothesis import HealthCheck, event, given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from piccolo.engine.base import Engine

from paylinks.db.engine import bind, make_engine, start, stop
from paylinks.db.migrate import migrate
from paylinks.errors import Conflict, ValidationFailed
from paylinks.gateways.model import RefundOutcome, RefundState
from paylinks.gateways.registry import Gateways
from paylinks.links import repository as links
from paylinks.links.model import LinkDraft, PublicUrls
from paylinks.links.service import create_link
from paylinks.money import MAX_AMOUNT
from paylinks.payments import repository as payments
from paylinks.payments.model import (
    REFUNDABLE,
    TRANSITIONS,
    Card,
    Customer,
    Payment,
    PaymentStatus,
    refundable,
    status_after_refunds,
)
from paylinks.payments.service import confirm_payment, start_payment
from paylinks.refunds import repository as refunds
from paylinks.refunds.model import Refund, RefundStatus, refund_amount
from paylinks.refunds.service import create_refund, process_refund, settle_refund
from paylinks.secrets import Cipher
from paylinks.settings import Settings
from paylinks.stores.model import Gateway, Principal
from paylinks.stores.service import activate_payments, create_store

URLS = PublicUrls("http://checkout.test", "http://api.test")
SECRET = "test-secret-key-" + "x" * 32
#: The sandbox's test cards that pay, and what becomes of their refunds at the gateway.
CARDS = {"4242424242424242": RefundStatus.SUCCEEDED, "4000000000005126": RefundStatus.FAILED}
OUTCOMES = {
    RefundOutcome.SUCCEEDED: RefundStatus.SUCCEEDED,
    RefundOutcome.FAILED: RefundStatus.FAILED,
}
#: How a refund request may be turned down: a bad amount (field ``amount``), a payment not
#: (or no longer) refundable, or an amount taken by a concurrent request since it was read.
REJECTIONS = {"amount", "payment_not_refundable", "refund_exceeds_refundable"}

payment_amounts = st.one_of(st.integers(1, 30), st.integers(1, MAX_AMOUNT))


def requested_amounts(amount: int, left: int) -> st.SearchStrategy[int | None]:
    """The default (all that is left), an amount that fits, or any amount around the
    payment's, zero and negative ones included."""
    return st.one_of(st.none(), st.integers(1, max(1, left)), st.integers(-2, amount + 2))


class Share(msgspec.Struct, frozen=True):
    """A request for some of what is left, whatever that turns out to be: a concurrent step
    ends differently from run to run, so what is drawn must not depend on the state."""

    seed: int

    def of(self, left: int) -> int:
        return 1 + self.seed % max(1, left)


def requests(amount: int) -> st.SearchStrategy[int | Share | None]:
    return st.one_of(
        st.none(), st.builds(Share, st.integers(0, 2**16)), st.integers(-2, amount + 2)
    )


def resolve(request: int | Share | None, left: int) -> int | None:
    return request.of(left) if isinstance(request, Share) else request


#: Which of the refunds a step acts on (modulo how many there are).
picks = st.integers(0, 255)


def refund_or_error(requested: int | None, left: int) -> int | ValidationFailed:
    try:
        return refund_amount(requested, left)
    except ValidationFailed as failed:
        return failed


def fields_of(failed: ValidationFailed) -> list[str]:
    return [error.field for error in failed.errors]


#: Pure and quick, but the run may share the machine with much else: no deadline.
pure = hypothesis_settings(deadline=None)

# --- The pure rules -------------------------------------------------------------------------


class TestRefundAmount:
    @pure
    @given(amount=payment_amounts, data=st.data())
    def test_accepted_amounts_never_sum_above_the_payment(
        self, amount: int, data: st.DataObject
    ) -> None:
        accepted = 0
        for _ in range(data.draw(st.integers(0, 12), label="requests")):
            left = refundable(amount, accepted, 0)
            requested = data.draw(requested_amounts(amount, left), label="requested")
            value = refund_or_error(requested, left)
            if isinstance(value, ValidationFailed):
                assert fields_of(value) == ["amount"]
                assert left == 0 or (requested is not None and not 0 < requested <= left)
                continue
            assert value == (left if requested is None else requested)
            assert 0 < value <= left
            accepted += value
            assert accepted <= amount

    @pure
    @given(left=st.integers(-5, MAX_AMOUNT), requested=st.none() | st.integers(-5, MAX_AMOUNT))
    def test_rejects_exactly_what_does_not_fit(self, left: int, requested: int | None) -> None:
        fits = left > 0 and (requested is None or 0 < requested <= left)
        value = refund_or_error(requested, left)
        if isinstance(value, ValidationFailed):
            assert not fits
            assert fields_of(value) == ["amount"]
        else:
            assert fits
            assert value == (left if requested is None else requested)


class TestRefundable:
    @pure
    @given(
        amount=st.integers(1, MAX_AMOUNT),
        refunded=st.integers(0, MAX_AMOUNT),
        pending=st.integers(0, MAX_AMOUNT),
    )
    def test_is_what_is_left_and_never_negative(
        self, amount: int, refunded: int, pending: int
    ) -> None:
        left = refundable(amount, refunded, pending)
        assert left >= 0
        assert left == max(0, amount - refunded - pending)
        if left:
            assert refunded + pending + refund_amount(None, left) == amount

    @pure
    @given(amount=st.integers(1, MAX_AMOUNT), data=st.data())
    def test_status_moves_only_along_the_lifecycle(self, amount: int, data: st.DataObject) -> None:
        refunded = data.draw(st.lists(st.integers(0, amount), max_size=8).map(sorted))
        statuses = [status_after_refunds(amount, value) for value in [0, *refunded, amount]]
        assert statuses[0] is PaymentStatus.SUCCEEDED
        assert statuses[-1] is PaymentStatus.FULLY_REFUNDED
        for value, status in zip([0, *refunded, amount], statuses, strict=True):
            assert (status is PaymentStatus.SUCCEEDED) == (value == 0)
            assert (status is PaymentStatus.FULLY_REFUNDED) == (value == amount)
            assert (status in REFUNDABLE) == (value < amount)
        for before, after in itertools.pairwise(statuses):
            assert after is before or after in TRANSITIONS[before]

    @pure
    @given(amount=payment_amounts, data=st.data())
    def test_pending_succeeded_and_failed_refunds_keep_the_totals(
        self, amount: int, data: st.DataObject
    ) -> None:
        """The service's arithmetic without a database: hold, then settle either way."""
        refunded, pending_refunds = 0, list[int]()
        status = PaymentStatus.SUCCEEDED
        for _ in range(data.draw(st.integers(0, 15), label="steps")):
            pending = sum(pending_refunds)
            step = data.draw(st.sampled_from(["request", "succeed", "fail"]), label="step")
            if step == "request" or not pending_refunds:
                left = refundable(amount, refunded, pending)
                requested = data.draw(requested_amounts(amount, left), label="requested")
                try:
                    pending_refunds.append(refund_amount(requested, left))
                except ValidationFailed:
                    continue
            else:
                index = data.draw(st.integers(0, len(pending_refunds) - 1), label="which")
                value = pending_refunds.pop(index)
                if step == "succeed":
                    refunded += value
                    after = status_after_refunds(amount, refunded)
                    assert after in TRANSITIONS[status]
                    status = after
            assert refunded >= 0
            assert sum(pending_refunds) >= 0
            assert refunded + sum(pending_refunds) <= amount


# --- The real services, step by step --------------------------------------------------------


@pytest.fixture
async def store_id(settings: Settings) -> str:
    """A migrated database of the parametrised backend with one store taking payments."""
    now = datetime.now(UTC)
    engine = make_engine(settings.database_url)
    bind(engine)
    await start(engine)
    try:
        await migrate()
        new = await create_store(
            "Refund Roasters", "GBP", f"owner-{uuid.uuid4().hex[:8]}@example.com", SECRET, now
        )
        await activate_payments(new.store.id, Gateway.SANDBOX, Cipher(SECRET), now)
    finally:
        await stop(engine)
    return new.store.id


Outcome = Refund | str


class RefundMachine(RuleBasedStateMachine):
    """One paid payment per example; its refunds are asked for, settled and raced through
    the services, and after every step the database must agree with a model of them."""

    #: The event loop every step runs on, and the engine (with its pool) opened on it.
    runner: ClassVar[asyncio.Runner]
    engine: ClassVar[Engine[Any]]
    store_id: ClassVar[str]
    #: SQLite runs the use cases one at a time (immediate transactions), so concurrent
    #: requests must end as some serial order of them would.
    serializable: ClassVar[bool]

    def __init__(self) -> None:
        super().__init__()
        self.principal = Principal(store_id=self.store_id, payments_active=True)
        self.gateways = Gateways(Cipher(SECRET))
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.payment_id = ""
        self.link_id = ""
        self.amount = 0
        self.card = ""
        #: The model: every refund as it was created (status pending), and its status now.
        self.created: dict[str, Refund] = {}
        self.status: dict[str, RefundStatus] = {}

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return self.runner.run(coroutine)

    def tick(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    # The model's totals.

    def total(self, status: RefundStatus) -> int:
        return sum(self.created[id_].amount for id_, now in self.status.items() if now is status)

    def left(self) -> int:
        return refundable(
            self.amount, self.total(RefundStatus.SUCCEEDED), self.total(RefundStatus.PENDING)
        )

    def pick(self, seed: int, *statuses: RefundStatus) -> str | None:
        ids = sorted(id_ for id_, status in self.status.items() if status in statuses)
        return ids[seed % len(ids)] if ids else None

    def expect(self, refunded: int, pending: int, requested: int | None) -> int | str:
        """What one request does on its own: the amount held, or why it is turned down."""
        if status_after_refunds(self.amount, refunded) not in REFUNDABLE:
            return "payment_not_refundable"
        left = refundable(self.amount, refunded, pending)
        value = left if requested is None else requested
        if left <= 0 or not 0 < value <= left:
            return "amount"
        return value

    # Reading the database.

    async def snapshot(self) -> tuple[Payment | None, int | None, list[Refund]]:
        """The payment, its link's refunded total and its refunds, read consistently."""
        async with self.engine.transaction():
            payment = await payments.get(self.payment_id)
            link = await links.get(self.store_id, self.link_id)
            stored = await refunds.list_for_payment(self.payment_id)
        return payment, link.amount_refunded if link else None, stored

    async def attempt(self, requested: int | None) -> Outcome:
        try:
            return await create_refund(
                self.principal, self.payment_id, requested, "Changed my mind", URLS, self.now
            )
        except ValidationFailed as failed:
            # Turned down for its amount, never for anything else.
            return "amount" if fields_of(failed) == ["amount"] else f"invalid {fields_of(failed)}"
        except Conflict as conflict:
            return conflict.code

    def accept(self, outcome: Outcome) -> None:
        assert isinstance(outcome, Refund)
        assert outcome.status is RefundStatus.PENDING
        assert outcome.payment_id == self.payment_id
        assert outcome.id not in self.created
        self.created[outcome.id] = outcome
        self.status[outcome.id] = RefundStatus.PENDING

    async def settle(self, refund: Refund, outcome: RefundOutcome) -> RefundStatus:
        payment = await payments.get(self.payment_id)
        assert payment is not None
        state = RefundState(reference=f"ref_{refund.id}", outcome=outcome)
        return await settle_refund(refund, payment, state, URLS, self.now)

    # The steps. What they draw never depends on the state (a race ends differently from
    # run to run); a step with nothing to act on does nothing.

    @initialize(amount=payment_amounts, card=st.sampled_from(sorted(CARDS)))
    def pay(self, amount: int, card: str) -> None:
        async def paid() -> Payment:
            link = await create_link(
                self.principal, LinkDraft(title="Espresso beans", amount=amount), URLS, self.now
            )
            started, _, _ = await start_payment(
                link.id, None, Customer(), self.gateways, timedelta(minutes=15), self.now
            )
            card_ = Card(number=card, exp_month=12, exp_year=2030, cvc="123")
            payment, _ = await confirm_payment(
                started.id, card_, self.gateways, URLS, self.now, timedelta(minutes=15)
            )
            return payment

        payment = self.run(paid())
        assert payment.status is PaymentStatus.SUCCEEDED
        self.payment_id, self.link_id = payment.id, payment.payment_link_id
        self.amount, self.card = amount, card

    @rule(data=st.data())
    def request_refund(self, data: st.DataObject) -> None:
        requested = resolve(data.draw(requests(self.amount), label="request"), self.left())
        note(f"requested {requested} of {self.left()} left")
        expected = self.expect(
            self.total(RefundStatus.SUCCEEDED), self.total(RefundStatus.PENDING), requested
        )
        before = self.run(self.snapshot())
        outcome = self.run(self.attempt(requested))
        if isinstance(expected, int):
            assert isinstance(outcome, Refund), outcome
            assert outcome.amount == expected
            self.accept(outcome)
        else:
            assert outcome == expected
            assert self.run(self.snapshot()) == before, "a rejected refund changed something"

    @rule(data=st.data())
    def request_refunds_concurrently(self, data: st.DataObject) -> None:
        drawn = data.draw(st.lists(requests(self.amount), min_size=2, max_size=4), label="requests")
        requested = [resolve(request, self.left()) for request in drawn]
        note(f"requested {requested} at once, of {self.left()} left")
        refunded, pending = self.total(RefundStatus.SUCCEEDED), self.total(RefundStatus.PENDING)

        async def race() -> list[Outcome]:
            return list(await asyncio.gather(*(self.attempt(value) for value in requested)))

        outcomes = self.run(race())
        accepted = self.judge(requested, outcomes, refunded, pending)
        assert refunded + pending + sum(refund.amount for refund in accepted) <= self.amount
        if self.serializable:
            seen = [o.amount if isinstance(o, Refund) else o for o in outcomes]
            assert seen in self.serial_outcomes(refunded, pending, requested), seen

    @rule(
        data=st.data(),
        settlements=st.lists(
            st.tuples(picks, st.sampled_from(sorted(OUTCOMES))), min_size=1, max_size=2
        ),
    )
    def race_requests_and_settlements(
        self, data: st.DataObject, settlements: list[tuple[int, RefundOutcome]]
    ) -> None:
        drawn = data.draw(st.lists(requests(self.amount), max_size=3), label="requests")
        requested = [resolve(request, self.left()) for request in drawn]
        targets: dict[str, RefundOutcome] = {}
        for seed, outcome in settlements:
            if (id_ := self.pick(seed, RefundStatus.PENDING)) is not None:
                targets.setdefault(id_, outcome)
        note(f"requested {requested} of {self.left()} left while settling {targets}")
        refunded, pending = self.total(RefundStatus.SUCCEEDED), self.total(RefundStatus.PENDING)

        async def race() -> tuple[list[Outcome], list[RefundStatus]]:
            asking = asyncio.gather(*(self.attempt(value) for value in requested))
            settling = asyncio.gather(
                *(self.settle(self.created[id_], outcome) for id_, outcome in targets.items())
            )
            outcomes, statuses = await asyncio.gather(asking, settling)
            return list(outcomes), list(statuses)

        outcomes, statuses = self.run(race())
        for (id_, outcome), status in zip(targets.items(), statuses, strict=True):
            assert status is OUTCOMES[outcome]
            self.status[id_] = status
        # Settling only ever frees an amount or moves it into the refunded total, so what
        # a request read as left is still there for the first hold.
        self.judge(requested, outcomes, refunded, pending)

    def judge(
        self, requested: list[int | None], outcomes: list[Outcome], refunded: int, pending: int
    ) -> list[Refund]:
        """Check concurrent requests' outcomes one by one, and take in those accepted."""
        seen = [outcome.amount if isinstance(outcome, Refund) else outcome for outcome in outcomes]
        note(f"outcomes {seen}")
        assert all(outcome in REJECTIONS for outcome in seen if isinstance(outcome, str))
        for outcome, value in zip(seen, requested, strict=True):
            if isinstance(outcome, int):
                assert outcome > 0
                assert value is None or outcome == value
        accepted = [outcome for outcome in outcomes if isinstance(outcome, Refund)]
        event(f"concurrent requests: {len(accepted)} of {len(requested)} accepted")
        for outcome in sorted({o for o in seen if isinstance(o, str)}):
            event(f"concurrent requests: {outcome}")
        if any(isinstance(self.expect(refunded, pending, value), int) for value in requested):
            # The first hold to run finds the amount it was computed from still there.
            assert accepted, seen
        for refund in accepted:
            self.accept(refund)
        return accepted

    def serial_outcomes(
        self, refunded: int, pending: int, requested: list[int | None]
    ) -> list[list[int | str]]:
        """The outcomes of the requests run one after another, in every order."""
        results = []
        for order in itertools.permutations(range(len(requested))):
            held, found = pending, list[int | str]([""] * len(requested))
            for index in order:
                found[index] = outcome = self.expect(refunded, held, requested[index])
                if isinstance(outcome, int):
                    held += outcome
            results.append(found)
        return results

    @rule(pick=picks, outcome=st.sampled_from(sorted(OUTCOMES)))
    def settle_pending(self, pick: int, outcome: RefundOutcome) -> None:
        if (id_ := self.pick(pick, RefundStatus.PENDING)) is None:
            return
        status = self.run(self.settle(self.created[id_], outcome))
        assert status is OUTCOMES[outcome]
        self.status[id_] = status

    @rule(
        pick=picks,
        first=st.sampled_from(sorted(OUTCOMES)),
        second=st.sampled_from(sorted(OUTCOMES)),
    )
    def settle_twice(self, pick: int, first: RefundOutcome, second: RefundOutcome) -> None:
        if (id_ := self.pick(pick, RefundStatus.PENDING)) is None:
            return
        status = self.run(self.settle(self.created[id_], first))
        assert status is OUTCOMES[first]
        self.status[id_] = status
        before = self.run(self.snapshot())
        # The worker may still hold the refund as it read it: pending.
        assert self.run(self.settle(self.created[id_], second)) is status
        assert self.run(self.snapshot()) == before, "a second settlement changed something"

    @rule(pick=picks, outcome=st.sampled_from(sorted(OUTCOMES)), stale=st.booleans())
    def settle_a_settled_one(self, pick: int, outcome: RefundOutcome, stale: bool) -> None:
        if (id_ := self.pick(pick, RefundStatus.SUCCEEDED, RefundStatus.FAILED)) is None:
            return
        before = self.run(self.snapshot())
        refund = self.created[id_] if stale else self.run(refunds.get(id_))
        assert refund is not None
        assert self.run(self.settle(refund, outcome)) is self.status[id_]
        assert self.run(self.snapshot()) == before, "settling a settled refund changed something"

    @rule(pick=picks, outcomes=st.lists(st.sampled_from(sorted(OUTCOMES)), min_size=2, max_size=3))
    def settle_concurrently(self, pick: int, outcomes: list[RefundOutcome]) -> None:
        if (id_ := self.pick(pick, RefundStatus.PENDING)) is None:
            return

        async def race() -> list[RefundStatus]:
            settling = (self.settle(self.created[id_], outcome) for outcome in outcomes)
            return list(await asyncio.gather(*settling))

        statuses = self.run(race())
        # One settlement wins; the others answer what it did.
        assert len(set(statuses)) == 1, statuses
        assert statuses[0] in {OUTCOMES[outcome] for outcome in outcomes}
        self.status[id_] = statuses[0]

    @rule(pick=picks)
    def process_pending(self, pick: int) -> None:
        """The worker's job, through the sandbox gateway."""
        if (id_ := self.pick(pick, RefundStatus.PENDING)) is None:
            return
        status = self.run(process_refund(id_, self.gateways, URLS, self.tick()))
        assert status is CARDS[self.card]
        self.status[id_] = status

    @rule(pick=picks)
    def process_concurrently(self, pick: int) -> None:
        """Two workers run the job of the same refund at once: it settles once. One job
        holds the refund; the other finds it held (and leaves it, pending) or settled."""
        if (id_ := self.pick(pick, RefundStatus.PENDING)) is None:
            return

        async def race() -> list[RefundStatus]:
            jobs = (process_refund(id_, self.gateways, URLS, self.now) for _ in range(2))
            return list(await asyncio.gather(*jobs))

        statuses = self.run(race())
        assert CARDS[self.card] in statuses, statuses
        assert set(statuses) <= {CARDS[self.card], RefundStatus.PENDING}, statuses
        self.status[id_] = CARDS[self.card]

    # What must hold after every step.

    @invariant()
    def totals_agree_with_the_refunds(self) -> None:
        if not self.payment_id:
            return
        payment, link_refunded, stored = self.run(self.snapshot())
        assert payment is not None
        refunded, pending = payment.amount_refunded, payment.amount_refund_pending
        assert payment.amount == self.amount
        assert refunded >= 0
        assert pending >= 0
        assert refunded + pending <= payment.amount
        assert {refund.id: refund.status for refund in stored} == self.status
        assert refunded == sum(r.amount for r in stored if r.status is RefundStatus.SUCCEEDED)
        assert pending == sum(r.amount for r in stored if r.status is RefundStatus.PENDING)
        assert refunded == self.total(RefundStatus.SUCCEEDED)
        assert payment.status is status_after_refunds(payment.amount, refunded)
        assert link_refunded == refunded
        assert payment.refundable == self.left()
        for refund in stored:
            assert refund.amount > 0
            assert msgspec.structs.replace(
                refund,
                status=RefundStatus.PENDING,
                settled_at=None,
                failure_reason=None,
                reference=None,
            ) == msgspec.structs.replace(self.created[refund.id], reference=None)


class TestRefundSequences:
    def test_no_sequence_refunds_more_than_was_paid(
        self, store_id: str, settings: Settings, backend: str
    ) -> None:
        # Hypothesis drives the steps from sync code: they run on a loop of their own, with
        # an engine (and pool) opened on that loop, shared by every example.
        with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:
            engine = make_engine(settings.database_url)
            bind(engine)
            runner.run(start(engine))
            machine = type(
                "RefundMachine",
                (RefundMachine,),
                {
                    "runner": runner,
                    "engine": engine,
                    "store_id": store_id,
                    "serializable": backend == "sqlite",
                },
            )
            try:
                run_state_machine_as_test(
                    machine,
                    settings=hypothesis_settings(
                        max_examples=40,
                        stateful_step_count=10,
                        deadline=None,
                        suppress_health_check=[HealthCheck.too_slow],
                    ),
                )
            finally:
                runner.run(stop(engine))
