"""The two emails of a sign-up: the link to a new address, "log in" to a known one."""

from paylinks.messages.accounts import render_confirmation, render_existing_account

URL = "https://dash.example.com/signup/confirm?token=abc%3D"


def test_the_confirmation_carries_the_link_and_the_store() -> None:
    mail = render_confirmation("Tea & <Cakes>", URL)
    assert mail.subject == "Finish creating your Paylinks store"
    assert URL in mail.text
    assert "Tea & <Cakes>" in mail.text
    assert "Tea &amp; &lt;Cakes&gt;" in mail.html
    assert "<Cakes>" not in mail.html
    assert f'href="{URL}"' in mail.html


def test_an_existing_account_is_sent_to_log_in_with_no_link_to_a_store() -> None:
    mail = render_existing_account("https://dash.example.com/login")
    assert mail.subject == "You already have a Paylinks account"
    assert "You already have an account" in mail.text
    assert "https://dash.example.com/login" in mail.text
    assert "signup/confirm" not in mail.text + mail.html
