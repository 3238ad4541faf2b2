"""``python -m paylinks_cli``: the ``paylinks`` command (``paylinks up`` starts its web
apps this way, with this Python)."""

from paylinks_cli.cli import main

main()
