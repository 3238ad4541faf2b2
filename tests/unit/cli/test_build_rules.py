"""When a web app's build is reused: a pure rule over the fingerprint of its sources."""

from paylinks_cli.build_rules import BuildRecord, event_base_url, fingerprint, reusable

SOURCES = [("rxconfig.py", b"config = 1"), ("checkout/pay.py", b"def pay(): ...")]
INPUTS = {"app": "checkout", "reflex": "0.10.1", "event_url": "https://pay.example.com"}


class TestFingerprint:
    def test_the_same_sources_and_inputs_give_the_same_fingerprint_in_any_order(self) -> None:
        again = fingerprint(list(reversed(SOURCES)), dict(reversed(INPUTS.items())))
        assert again == fingerprint(SOURCES, INPUTS)

    def test_a_changed_file_changes_it(self) -> None:
        changed = [SOURCES[0], ("checkout/pay.py", b"def pay(): return 1")]
        assert fingerprint(changed, INPUTS) != fingerprint(SOURCES, INPUTS)

    def test_a_renamed_or_added_file_changes_it(self) -> None:
        renamed = [SOURCES[0], ("checkout/paying.py", SOURCES[1][1])]
        added = [*SOURCES, ("assets/app.css", b"")]
        assert fingerprint(renamed, INPUTS) != fingerprint(SOURCES, INPUTS)
        assert fingerprint(added, INPUTS) != fingerprint(SOURCES, INPUTS)

    def test_another_reflex_or_public_address_changes_it(self) -> None:
        for name, value in (("reflex", "0.10.2"), ("event_url", "https://pay.example.org")):
            assert fingerprint(SOURCES, {**INPUTS, name: value}) != fingerprint(SOURCES, INPUTS)

    def test_a_path_and_content_cannot_pass_for_another_split(self) -> None:
        assert fingerprint([("ab", b"c")], {}) != fingerprint([("a", b"bc")], {})


class TestReusable:
    def test_a_build_with_the_current_fingerprint_is_reused(self) -> None:
        record = BuildRecord(fingerprint="abc", seconds=30.0)
        assert reusable(record, "abc", output_present=True)

    def test_another_fingerprint_is_rebuilt(self) -> None:
        record = BuildRecord(fingerprint="abc", seconds=30.0)
        assert not reusable(record, "abd", output_present=True)

    def test_no_record_or_no_output_is_rebuilt(self) -> None:
        assert not reusable(None, "abc", output_present=True)
        record = BuildRecord(fingerprint="abc", seconds=30.0)
        assert not reusable(record, "abc", output_present=False)


class TestEventBaseUrl:
    def test_a_public_address_is_kept(self) -> None:
        assert event_base_url("https://pay.example.com/") == "https://pay.example.com"
        assert event_base_url("http://10.0.0.5:3001") == "http://10.0.0.5:3001"

    def test_a_local_address_follows_the_host_name_the_page_was_opened_with(self) -> None:
        assert event_base_url("http://127.0.0.1:3001") == "http://localhost:3001"
        assert event_base_url("http://0.0.0.0:3000") == "http://localhost:3000"
        assert event_base_url("http://localhost") == "http://localhost"
