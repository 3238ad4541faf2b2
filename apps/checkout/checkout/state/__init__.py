"""One state class per page."""
