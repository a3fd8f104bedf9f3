"""Cross-process thread locks: another process is kept out, the lock directory never grows, and the fallback works."""

from __future__ import annotations

import errno
import subprocess
import sys
import textwrap
from pathlib import Path

from memory import file_locks
from memory.file_locks import LOCK_FILE, ByteRangeLocks, PerKeyFileLocks, open_file_locks

HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from memory.file_locks import open_file_locks

    locks = open_file_locks(Path(sys.argv[1]))
    assert locks.try_lock(sys.argv[2])
    print("held", flush=True)
    sys.stdin.readline()
    """
)


def hold_in_another_process(lock_dir: Path, key: str) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock_dir), key],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_key_held_by_another_process_is_busy_until_that_process_ends(tmp_path: Path) -> None:
    holder = hold_in_another_process(tmp_path, "slack:T1:C1:1700000000.1")
    locks = open_file_locks(tmp_path)
    try:
        assert not locks.try_lock("slack:T1:C1:1700000000.1")
        assert locks.try_lock("slack:T1:C1:1700000000.2"), "another thread's key is free"
        locks.unlock("slack:T1:C1:1700000000.2")
        holder.kill()  # a crashed process: the kernel releases its locks
        holder.wait(10)
        assert locks.try_lock("slack:T1:C1:1700000000.1")
        locks.unlock("slack:T1:C1:1700000000.1")
    finally:
        holder.kill()
        locks.close()


def test_two_lock_objects_in_one_process_exclude_each_other_and_unlock_frees_the_key(tmp_path: Path) -> None:
    first, second = open_file_locks(tmp_path), open_file_locks(tmp_path)
    assert first.try_lock("cli:t1")
    assert not second.try_lock("cli:t1")
    first.unlock("cli:t1")
    assert second.try_lock("cli:t1")
    second.unlock("cli:t1")
    first.close()
    second.close()


def test_many_threads_leave_one_lock_file_where_byte_range_locks_exist(tmp_path: Path) -> None:
    locks = open_file_locks(tmp_path)
    for i in range(300):
        assert locks.try_lock(f"cli:thread-{i}")
    for i in range(300):
        locks.unlock(f"cli:thread-{i}")
    locks.close()
    files = [p.name for p in tmp_path.iterdir()]
    if file_locks._OFD_SETLK is not None:  # Linux, where CI runs
        assert isinstance(locks, ByteRangeLocks) and files == [LOCK_FILE]
    else:  # macOS and the like: the fallback keeps a file per thread
        assert isinstance(locks, PerKeyFileLocks) and len(files) == 300


def test_without_byte_range_locks_a_file_per_key_still_excludes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(file_locks, "_OFD_SETLK", None)
    first, second = open_file_locks(tmp_path), open_file_locks(tmp_path)
    assert isinstance(first, PerKeyFileLocks)
    assert first.try_lock("cli:t1") and not second.try_lock("cli:t1")
    first.unlock("cli:t1")
    assert second.try_lock("cli:t1")
    first.close()
    second.close()


def test_a_file_system_that_refuses_record_locks_falls_back_to_flock(tmp_path: Path, monkeypatch) -> None:
    def refuse(self: ByteRangeLocks, kind: int, key: str) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(ByteRangeLocks, "_set", refuse)
    locks = open_file_locks(tmp_path)
    assert isinstance(locks, PerKeyFileLocks)
    assert locks.try_lock("cli:t1")
    locks.unlock("cli:t1")
    locks.close()
