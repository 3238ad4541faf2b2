"""The catalogs a build compiles say what their PO files say, and an app given the
compiled folder reads those."""

from pathlib import Path

import pytest
from checkout import i18n

from paylinks.i18n import TRANSLATED, Catalogs


@pytest.fixture
def compiled(tmp_path: Path) -> Path:
    written = i18n.CATALOGS.compile(tmp_path)
    assert sorted(path.relative_to(tmp_path).parts[0] for path in written) == sorted(TRANSLATED)
    return tmp_path


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_compiled_catalogs_say_what_the_po_files_say(
    compiled: Path, monkeypatch: pytest.MonkeyPatch, locale: str
) -> None:
    monkeypatch.setenv("PAYLINKS_TEST_CATALOGS", str(compiled))
    from_mo = Catalogs(i18n.CATALOGS.folder, "checkout", "PAYLINKS_TEST_CATALOGS")
    from_po = Catalogs(i18n.CATALOGS.folder, "checkout")
    assert from_mo.compiled == compiled
    assert from_mo.texts(locale, i18n.TEXTS) == from_po.texts(locale, i18n.TEXTS)
    assert from_mo.texts(locale, i18n.TEXTS) != i18n.TEXTS


def test_without_the_compiled_folder_the_po_files_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(i18n.COMPILED_ENV, raising=False)
    assert i18n.CATALOGS.compiled is None
    assert Catalogs(i18n.CATALOGS.folder, "checkout").texts("de", i18n.TEXTS)["pay"] == "Bezahlen"
