"""Atomic file writes for report outputs: readers never see a half-written file."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_atomic(data: bytes, path: Path) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and a rename; parents are created.

    On any failure the temporary file is removed and an existing `path` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # 0o666 less the umask, like open()
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return path
