"""The project's shared data sets beside the repo (`../shared`): read at run time, never copied in."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared"


def skip_reason(path: Path) -> str:
    """Why a test that needs shared data cannot run here."""
    return (
        f"needs {path}: the dev data sets and the reference brand pack live in ../shared beside the repo "
        "and are read at run time, never copied in; check ../shared out there to run this evaluation"
    )


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the calling test (with `skip_reason`) when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(skip_reason(path))
    return path


def needs_shared(*parts: str) -> pytest.MarkDecorator:
    """A skip mark for tests that read `../shared/<parts>` at collection time."""
    path = SHARED.joinpath(*parts)
    return pytest.mark.skipif(not path.exists(), reason=skip_reason(path))
