from paylinks.stores.model import Principal
from paylinks.stores.principals import PrincipalCache


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class TestPrincipalCache:
    def test_remembers_for_the_ttl_only(self) -> None:
        clock = Clock()
        cache = PrincipalCache(ttl=2.0, monotonic=clock)
        principal = Principal(store_id="store_1", payments_active=True)
        cache.put("hash", principal)
        clock.now += 1.9
        assert cache.get("hash") == principal
        clock.now += 0.2
        assert cache.get("hash") is None

    def test_forget_all(self) -> None:
        cache = PrincipalCache()
        cache.put("hash", Principal(store_id="store_1", payments_active=False))
        cache.forget_all()
        assert cache.get("hash") is None

    def test_unknown_token(self) -> None:
        assert PrincipalCache().get("nope") is None
