"""Tokens, password hashes and encryption at rest."""

import asyncio
import threading
import time

import pytest

from paylinks import secrets
from paylinks.secrets import (
    Cipher,
    PasswordWork,
    hash_password,
    new_token,
    token_hash,
    verify_password,
)

KEY = "k" * 48
PASSWORD = "correct horse battery staple"


class TestTokens:
    def test_new_token_has_its_prefix_and_enough_randomness(self) -> None:
        token = new_token("sk")
        assert token.startswith("sk_")
        assert len(token) >= 3 + 43

    def test_new_tokens_are_unique(self) -> None:
        assert len({new_token("sk") for _ in range(1000)}) == 1000

    def test_token_hash_is_stable(self) -> None:
        assert token_hash("sk_abc") == token_hash("sk_abc")

    def test_token_hash_is_a_sha256_hex_digest(self) -> None:
        value = token_hash("sk_abc")
        assert len(value) == 64
        assert int(value, 16) >= 0
        assert "sk_abc" not in value

    def test_token_hash_differs_by_token(self) -> None:
        assert token_hash("sk_abc") != token_hash("sk_abd")


class TestPasswords:
    def test_the_right_password_verifies(self) -> None:
        assert verify_password(hash_password(PASSWORD), PASSWORD)

    def test_a_wrong_password_does_not(self) -> None:
        hashed = hash_password(PASSWORD)
        assert not verify_password(hashed, PASSWORD + "!")
        assert not verify_password(hashed, "")

    def test_no_hash_never_verifies(self) -> None:
        assert not verify_password(None, PASSWORD)
        assert not verify_password(None, "not-a-real-password")

    def test_a_malformed_hash_never_verifies(self) -> None:
        assert not verify_password("not a hash", PASSWORD)
        assert not verify_password("", PASSWORD)

    def test_the_hash_is_argon2_and_salted(self) -> None:
        first, second = hash_password(PASSWORD), hash_password(PASSWORD)
        assert first.startswith("$argon2")
        assert PASSWORD not in first
        assert first != second
        assert verify_password(second, PASSWORD)


class TestCipher:
    @pytest.mark.parametrize("secret", ["sk_test_51H", "", "ünïcødé £€ 🔑", "x" * 5000])
    def test_round_trips(self, secret: str) -> None:
        cipher = Cipher(KEY)
        assert cipher.decrypt(cipher.encrypt(secret)) == secret

    def test_ciphertext_hides_the_plaintext_and_varies(self) -> None:
        cipher = Cipher(KEY)
        first, second = cipher.encrypt("sk_test_secret"), cipher.encrypt("sk_test_secret")
        assert "sk_test_secret" not in first
        assert first != second

    def test_another_instance_with_the_same_key_decrypts(self) -> None:
        assert Cipher(KEY).decrypt(Cipher(KEY).encrypt("sk_test_abc")) == "sk_test_abc"

    def test_another_key_cannot_decrypt(self) -> None:
        ciphertext = Cipher(KEY).encrypt("sk_test_abc")
        with pytest.raises(ValueError, match="PAYLINKS_SECRET_KEY"):
            Cipher("j" * 48).decrypt(ciphertext)

    def test_tampered_ciphertext_is_refused(self) -> None:
        ciphertext = Cipher(KEY).encrypt("sk_test_abc")
        index = len(ciphertext) // 2
        tampered = ciphertext[:index] + ("A" if ciphertext[index] != "A" else "B")
        tampered += ciphertext[index + 1 :]
        with pytest.raises(ValueError):
            Cipher(KEY).decrypt(tampered)

    @pytest.mark.parametrize("garbage", ["", "not base64 at all!", "é"])
    def test_garbage_is_refused(self, garbage: str) -> None:
        with pytest.raises(ValueError):
            Cipher(KEY).decrypt(garbage)


class CountingVerifier:
    """A stand-in for argon2 that takes a while and counts how many run at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = self.most = 0

    def __call__(self, password_hash: str | None, password: str) -> bool:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1
        return password == PASSWORD


class TestPasswordWork:
    async def test_at_most_n_verifications_run_at_once(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        verifier = CountingVerifier()
        monkeypatch.setattr(secrets, "verify_password", verifier)
        work = PasswordWork(2)
        answers = await asyncio.gather(*(work.verify("h", PASSWORD) for _ in range(12)))
        assert answers == [True] * 12
        assert verifier.most == 2

    async def test_the_bound_can_change(self, monkeypatch: pytest.MonkeyPatch) -> None:
        verifier = CountingVerifier()
        monkeypatch.setattr(secrets, "verify_password", verifier)
        work = PasswordWork(1)
        work.bound(3)
        await asyncio.gather(*(work.verify("h", "wrong") for _ in range(12)))
        assert verifier.most == 3

    async def test_the_event_loop_stays_free(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(secrets, "verify_password", CountingVerifier())
        work = PasswordWork(1)
        started = time.perf_counter()
        verifying = asyncio.gather(*(work.verify("h", PASSWORD) for _ in range(4)))
        await asyncio.sleep(0.01)  # the loop answers while four verifications queue
        assert time.perf_counter() - started < 0.05
        await verifying

    async def test_real_hashes_verify(self) -> None:
        work = PasswordWork(2)
        hashed = await work.hash(PASSWORD)
        assert await work.verify(hashed, PASSWORD)
        assert not await work.verify(hashed, "wrong")
        assert not await work.verify(None, PASSWORD)
