"""The data directory (``PAYLINKS_DATA_DIR``) holds customers' personal data (the SQLite
database and its journal), the key that encrypts gateway secrets, builds and logs: it is
private to the service's user. Every ``paylinks`` process creates files 0600 and
directories 0700 (its umask), and tightens what an older version left readable at start."""

import os
import stat
from pathlib import Path

#: Group and others get nothing of what the process creates.
UMASK = 0o077
PRIVATE_DIRECTORY = 0o700
PRIVATE_FILE = 0o600


def make_private(data_dir: Path) -> None:
    """Set the process's umask; make the data directory and the files directly in it
    private (a file that was executable stays executable, for its owner alone). Inside
    the subdirectories nobody else can reach anything once the directory is 0700."""
    os.umask(UMASK)
    if not data_dir.is_dir():
        return
    data_dir.chmod(PRIVATE_DIRECTORY)
    for path in data_dir.iterdir():
        mode = path.lstat().st_mode
        if stat.S_ISDIR(mode):
            path.chmod(PRIVATE_DIRECTORY)
        elif stat.S_ISREG(mode):
            path.chmod(PRIVATE_DIRECTORY if mode & stat.S_IXUSR else PRIVATE_FILE)
