"""Checkpoint I/O: written atomically, checked by SHA-256, read back with ``weights_only=True``.

An rldojo checkpoint is ``torch.save`` of a dict of plain data and tensors. It is written
to a temporary file and renamed into place, so a crash never leaves half a checkpoint, and
read back with ``torch.load(weights_only=True)``, so no file a user is handed is ever
unpickled. :func:`checkpoint_kind` tells an rldojo file from a stable-baselines3 zip, so a
loader reads the format once and dispatches.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

__all__ = [
    "CHECKPOINT_FORMAT",
    "CHECKPOINT_VERSION",
    "atomic_torch_save",
    "atomic_write",
    "checkpoint_kind",
    "from_saved",
    "read_checkpoint",
    "state_digest",
    "to_saveable",
]

CHECKPOINT_FORMAT = "rldojo-agent"
CHECKPOINT_VERSION = 1


def checkpoint_kind(path: str | os.PathLike) -> str:
    """``"sb3"`` for a stable-baselines3 zip (it has a top-level ``data`` entry), else ``"rldojo"``.

    ``torch.save`` writes a zip too, without that entry; anything else is left for the
    rldojo reader to refuse with its own message.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    if not zipfile.is_zipfile(path):
        return "rldojo"
    try:
        with zipfile.ZipFile(path) as archive:
            return "sb3" if "data" in archive.namelist() else "rldojo"
    except zipfile.BadZipFile as error:
        raise ValueError(f"{path} is a corrupt zip file, not a readable checkpoint: {error}") from error


def to_saveable(value):
    """numpy arrays become tensors (torch's safe loader refuses numpy); the rest stays."""
    if isinstance(value, np.ndarray):
        return {"__ndarray__": torch.from_numpy(np.ascontiguousarray(value))}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {k: to_saveable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_saveable(v) for v in value]
    return value


def from_saved(value):
    if isinstance(value, dict):
        if set(value) == {"__ndarray__"}:
            return value["__ndarray__"].numpy()
        return {k: from_saved(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_saved(v) for v in value]
    return value


def state_digest(value, digest=None) -> str:
    """SHA-256 over a saved state's keys, tensors (shape, dtype, bytes) and plain values, in a fixed order.

    ``torch.load`` does not check tensor bytes, so without this a damaged file could load
    silently as other weights.
    """
    top = digest is None
    digest = hashlib.sha256() if top else digest
    if isinstance(value, dict):
        for key in sorted(value, key=str):
            digest.update(f"<{key}>".encode())
            state_digest(value[key], digest)
    elif isinstance(value, (list, tuple)):
        digest.update(f"[{len(value)}]".encode())
        for item in value:
            state_digest(item, digest)
    elif isinstance(value, torch.Tensor):
        digest.update(f"{tuple(value.shape)}{value.dtype}".encode())
        digest.update(value.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes())
    else:
        digest.update(repr(value).encode())
    return digest.hexdigest() if top else ""


def atomic_write(path: str | os.PathLike, write: Callable[[str], Any], suffix: str = ".tmp") -> Path:
    """Call ``write(tmp_name)`` for a temporary file beside ``path``, then rename it into place.

    A crash or an error in ``write`` leaves ``path`` as it was and no temporary file behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(handle)
    try:
        write(tmp_name)
        with open(tmp_name, "rb") as written:
            os.fsync(written.fileno())
        os.replace(tmp_name, path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return path


def atomic_torch_save(payload: Any, path: str | os.PathLike) -> Path:
    """``torch.save`` to a temporary file beside ``path``, then rename: no partial checkpoint."""
    return atomic_write(path, lambda tmp_name: torch.save(payload, tmp_name))


def read_checkpoint(path: str | os.PathLike) -> dict:
    """Read an rldojo checkpoint safely, or raise ValueError saying what is wrong with it."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise ValueError(
            f"{path} is not a readable rldojo checkpoint (corrupt, truncated or another format): {error}"
        ) from error
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{path} is not an rldojo agent checkpoint")
    if payload.get("format_version") != CHECKPOINT_VERSION:
        raise ValueError(
            f"{path} has checkpoint format version {payload.get('format_version')}; "
            f"this rldojo reads version {CHECKPOINT_VERSION}"
        )
    if payload.get("state_sha256") != state_digest(payload.get("state")):
        raise ValueError(f"{path} is corrupted: its saved state does not match its checksum")
    payload["state"] = from_saved(payload["state"])
    return payload
