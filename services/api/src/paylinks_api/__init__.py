"""The Paylinks HTTP API (Litestar), its MCP tools and the ``paylinks`` command."""
