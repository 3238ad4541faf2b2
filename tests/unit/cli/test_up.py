"""``paylinks up`` serves where its links point."""

from paylinks.settings import load_settings
from paylinks_cli.up import local_addresses


def test_default_addresses_follow_the_ports_up_serves_on() -> None:
    settings = load_settings({}, env_file=None)
    moved = local_addresses(settings, "127.0.0.1", 8101, 3102, 3101)
    assert moved.api_url == "http://127.0.0.1:8101"
    assert moved.checkout_url == "http://127.0.0.1:3102"
    assert moved.dashboard_url == "http://127.0.0.1:3101"


def test_addresses_set_on_purpose_are_kept() -> None:
    settings = load_settings(
        {
            "PAYLINKS_API_URL": "https://api.shop.example",
            "PAYLINKS_CHECKOUT_URL": "https://pay.shop.example",
        },
        env_file=None,
    )
    moved = local_addresses(settings, "0.0.0.0", 8101, 3102, 3000)
    assert moved.api_url == "https://api.shop.example"
    assert moved.checkout_url == "https://pay.shop.example"
    assert moved.dashboard_url == "http://127.0.0.1:3000"
