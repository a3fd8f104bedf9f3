"""Cross-process thread locks for one machine: a byte per key in one file, or a file per key where that fails."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import struct
import threading
from pathlib import Path
from typing import BinaryIO, Protocol

LOCK_FILE = "threads.lock"
_BUSY = (errno.EAGAIN, errno.EACCES)
_OFD_SETLK = getattr(fcntl, "F_OFD_SETLK", None)  # Linux 3.15+: record locks owned by an open file, not a process
_OFFSETS = 1 << 56  # key hashes this wide make two keys sharing a byte practically impossible


class FileLocks(Protocol):
    """Non-blocking exclusive locks by key that other processes on the machine respect."""

    def try_lock(self, key: str) -> bool:
        """Take the lock for `key` if no other holder has it; never waits."""
        ...

    def unlock(self, key: str) -> None:
        """Release a lock this object holds."""
        ...

    def close(self) -> None:
        """Close the files kept open (their locks are released)."""
        ...


class ByteRangeLocks:
    """One lock file for every key: each key locks one byte of it, at an offset taken from its hash.

    Open-file-description locks are owned by this object's open file, so two objects exclude each other even
    in one process, and the kernel releases them when the process dies. The directory never grows.
    """

    def __init__(self, path: Path) -> None:
        """Open (or create) the lock file at `path`."""
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    def try_lock(self, key: str) -> bool:
        """Take the lock for `key` if no other holder has it; never waits."""
        try:
            self._set(fcntl.F_WRLCK, key)
        except OSError as exc:
            if exc.errno in _BUSY:
                return False
            raise
        return True

    def unlock(self, key: str) -> None:
        """Release a lock this object holds."""
        self._set(fcntl.F_UNLCK, key)

    def close(self) -> None:
        """Close the lock file, which releases every lock still held through it."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _set(self, kind: int, key: str) -> None:
        offset = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8]) % _OFFSETS
        # struct flock: l_type, l_whence, l_start, l_len, l_pid (0 for open-file-description locks)
        fcntl.fcntl(self._fd, _OFD_SETLK, struct.pack("hhqqi4x", kind, os.SEEK_SET, offset, 1, 0))


class PerKeyFileLocks:
    """`flock` on a file per key, for systems without open-file-description locks (macOS, some file systems).

    The files of the 256 most recently used keys are kept open.
    """

    def __init__(self, lock_dir: Path) -> None:
        """Keep lock files in `lock_dir`."""
        self._dir = lock_dir
        self._guard = threading.Lock()
        self._handles: dict[str, BinaryIO] = {}
        self._held: set[str] = set()

    def try_lock(self, key: str) -> bool:
        """Take the lock for `key` if no other holder has it; never waits."""
        handle = self._handle(key)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        with self._guard:
            self._held.add(key)
        return True

    def unlock(self, key: str) -> None:
        """Release a lock this object holds."""
        with self._guard:
            self._held.discard(key)
            handle = self._handles[key]
        fcntl.flock(handle, fcntl.LOCK_UN)

    def close(self) -> None:
        """Close the lock files kept open."""
        with self._guard:
            for handle in self._handles.values():
                handle.close()
            self._handles.clear()

    def _handle(self, key: str) -> BinaryIO:
        with self._guard:
            handle = self._handles.pop(key, None)
            if handle is None:
                name = hashlib.sha256(key.encode()).hexdigest()[:32] + ".lock"
                handle = open(self._dir / name, "a+b")  # noqa: SIM115 - closed on eviction or close()
            self._handles[key] = handle
            for old in [k for k in self._handles if k not in self._held][: max(len(self._handles) - 256, 0)]:
                self._handles.pop(old).close()
            return handle


def open_file_locks(lock_dir: Path) -> FileLocks:
    """Byte-range locks in one file where the system supports them, else a file per key."""
    lock_dir.mkdir(parents=True, exist_ok=True)
    if _OFD_SETLK is None:
        return PerKeyFileLocks(lock_dir)
    locks = ByteRangeLocks(lock_dir / LOCK_FILE)
    try:
        if locks.try_lock("brandpilot:probe"):
            locks.unlock("brandpilot:probe")
    except OSError:  # the file system refuses record locks: fall back to flock
        locks.close()
        return PerKeyFileLocks(lock_dir)
    return locks
