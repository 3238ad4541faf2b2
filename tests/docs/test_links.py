"""The README and the pages of docs/ stand on their own: every relative link points at a
file of the repository, and none leaves it."""

import re

import pytest

from tests.docs.markdown import ROOT, read

PAGES = ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("page", PAGES)
def test_relative_links_point_inside_the_repository(page: str) -> None:
    for target in LINK.findall(read(page)):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = (ROOT / page).parent / target.split("#", 1)[0]
        assert path.resolve().is_relative_to(ROOT), f"{page} links outside: {target}"
        assert path.exists(), f"{page} links to a missing file: {target}"


@pytest.mark.parametrize("page", PAGES)
def test_nothing_outside_the_repository_is_named(page: str) -> None:
    assert "../shared" not in read(page)


def test_the_readme_links_every_page_of_docs() -> None:
    readme = read("README.md")
    for page in PAGES[1:]:
        assert f"]({page})" in readme, f"the README does not link {page}"
