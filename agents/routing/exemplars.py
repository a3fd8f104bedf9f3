"""Loads the exemplar utterances per specialist (and out-of-scope ones) from the data folder."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

ROUTING_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "routing"
OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class SpecialistExemplars:
    """One label's description and exemplar utterances."""

    name: str
    description: str
    exemplars: tuple[str, ...]


def load_exemplars(folder: Path = ROUTING_DATA_DIR) -> dict[str, SpecialistExemplars]:
    """Read every `*.yaml` in the folder; the file's `name` must match its stem."""
    result: dict[str, SpecialistExemplars] = {}
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        name = data.get("name")
        if name != path.stem:
            raise ValueError(f"{path}: 'name' is {name!r}; it must equal the file name {path.stem!r}")
        exemplars = tuple(dict.fromkeys(str(e).strip() for e in data.get("exemplars", []) if str(e).strip()))
        if not exemplars:
            raise ValueError(f"{path}: 'exemplars' must list at least one utterance")
        result[name] = SpecialistExemplars(name, str(data.get("description", "")).strip(), exemplars)
    return result


def data_fingerprint(folder: Path = ROUTING_DATA_DIR, extra: tuple[Path, ...] = ()) -> str:
    """A hash over the exemplar files (and extra files) so a stale trained model is detected."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")) + sorted(extra):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
