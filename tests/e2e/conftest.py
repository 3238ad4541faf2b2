"""On failure, the output of the test's processes goes into its report."""

from collections.abc import Callable, Generator

import pytest

PROCESS_OUTPUT = pytest.StashKey[Callable[[], str]]()
FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        item.stash[FAILED] = True
        output = item.stash.get(PROCESS_OUTPUT, None)
        if output is not None:
            report.sections.append(("paylinks processes", output()))
    return report
