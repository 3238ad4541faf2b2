"""Apply Piccolo's migrations to the bound engine (``paylinks migrate`` and start-up)."""

import contextlib
import io

from piccolo.apps.migrations.commands.forwards import run_forwards


class MigrationFailed(RuntimeError):
    pass


async def migrate() -> str:
    """Run every pending migration; returns Piccolo's report. Safe to run again."""
    report = io.StringIO()
    with contextlib.redirect_stdout(report):
        response = await run_forwards(app_name="paylinks", fake=False)
    if not response.success:
        raise MigrationFailed(f"{response.message}\n{report.getvalue()}")
    return report.getvalue()
