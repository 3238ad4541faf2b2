"""One module per page: ``page()`` draws it, ``ON_LOAD`` is what runs when it opens."""
