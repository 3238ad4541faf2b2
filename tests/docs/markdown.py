"""The parts of the repository's Markdown files that tests run or check."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def read(name: str) -> str:
    """A Markdown file of the repository, by its path from the root (``docs/api.md``)."""
    return (ROOT / name).read_text()


def section(text: str, heading: str) -> str:
    """From ``heading`` (a whole line, ``## Title``) to the next heading of its level."""
    start = text.index(f"\n{heading}\n") + 1
    level = heading.split(" ", 1)[0]
    found = re.search(rf"^{level} ", text[start + len(heading) :], flags=re.MULTILINE)
    return text[start : start + len(heading) + found.start()] if found else text[start:]


def code_blocks(text: str, language: str) -> list[str]:
    """The fenced blocks of ``language`` (```sh, ```python …), in order."""
    fence = re.escape(language)
    return re.findall(rf"^```{fence}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)
