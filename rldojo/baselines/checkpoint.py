"""Checkpoint I/O: written atomically, checked by SHA-256, read back with ``weights_only=True``.

An rldojo checkpoint is ``torch.save`` of a dict of plain data and tensors. It is written
to a temporary file and renamed into place, so a crash never leaves half a checkpoint (and
the next save removes what a killed one left), and read back with
``torch.load(weights_only=True)``, so no file a user is handed is ever unpickled.
:func:`checkpoint_kind` tells an rldojo file from a stable-baselines3 zip, so a loader reads
the format once and dispatches.

Format version 2 carries a SHA-256 of everything ``load`` reads (header, config, seed,
counts, spaces, env and state): a damaged file raises ``ValueError``, never loads as another
agent. Version 1 files, whose checksum covered the state alone, are still read, with a warning.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
import warnings
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
    "damaged",
    "from_saved",
    "open_zip",
    "payload_digest",
    "read_checkpoint",
    "state_digest",
    "to_saveable",
    "write_checkpoint",
]

CHECKPOINT_FORMAT = "rldojo-agent"
CHECKPOINT_VERSION = 2
#: the payload key of version 2's checksum (version 1's was ``state_sha256``, over the state alone)
CHECKSUM_KEY = "payload_sha256"
#: a temporary file of an earlier save untouched for this long is a killed save's, and removed
STALE_TEMP_SECONDS = 60.0


def checkpoint_kind(path: str | os.PathLike) -> str:
    """``"sb3"`` for a stable-baselines3 zip (it has a top-level ``data`` entry), else ``"rldojo"``.

    ``torch.save`` writes a zip too, without that entry; anything else is left for the
    rldojo reader to refuse with its own message.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        if not zipfile.is_zipfile(path):
            return "rldojo"
        with open_zip(path) as archive:
            return "sb3" if "data" in archive.namelist() else "rldojo"
    except Exception as error:  # a damaged directory fails in many ways: BadZipFile, UnicodeDecodeError, ...
        raise damaged(path, "its zip directory is unreadable", error) from error


def open_zip(path: str | os.PathLike) -> zipfile.ZipFile:
    """``zipfile.ZipFile(path)``, but a file whose zip directory does not end it raises ``BadZipFile``.

    zipfile looks for the directory's end record anywhere in the last 64 KB, so a
    stable-baselines3 zip cut short would otherwise open as the zip of one of its own ``.pth``
    entries.
    """
    archive = zipfile.ZipFile(path)
    try:
        with open(path, "rb") as file:
            file.seek(-(22 + len(archive.comment)), os.SEEK_END)  # the end record is 22 bytes, then the comment
            if file.read(4) != b"PK\x05\x06":
                raise zipfile.BadZipFile("its zip directory does not end the file (truncated, or bytes appended)")
    except BaseException:
        archive.close()
        raise
    return archive


def damaged(path: str | os.PathLike, what: str, error: BaseException | None = None) -> ValueError:
    """The error for a file that cannot be read back as it was saved: names the path and what failed."""
    detail = "" if error is None else f" ({type(error).__name__}: {error})"
    return ValueError(f"{path} is a damaged checkpoint: {what}{detail}")


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
    """SHA-256 over saved data's keys, tensors (shape, dtype, bytes) and plain values, in a fixed order.

    ``torch.load`` does not check tensor bytes, so without this a damaged file could load
    silently as other weights. Version 1 applied it to the state, version 2 to the whole payload.
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
        grad = " grad" if value.requires_grad else ""  # no save writes it; marked only when set, as version 1 was
        digest.update(f"{tuple(value.shape)}{value.dtype}{grad}".encode())
        digest.update(value.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes())
    else:
        digest.update(repr(value).encode())
    return digest.hexdigest() if top else ""


def atomic_write(path: str | os.PathLike, write: Callable[[str], Any], suffix: str = ".tmp") -> Path:
    """Call ``write(tmp_name)`` for a temporary file beside ``path``, then rename it into place.

    An error in ``write`` leaves ``path`` as it was and no temporary file behind. A killed
    process leaves ``path`` as it was too, and its temporary file is removed by a later save
    to the same path (see :func:`_remove_stale_temps`).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(handle)
    try:
        _remove_stale_temps(path, suffix, Path(tmp_name))
        write(tmp_name)
        with open(tmp_name, "rb") as written:
            os.fsync(written.fileno())
        os.replace(tmp_name, path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return path


def _remove_stale_temps(path: Path, suffix: str, own: Path) -> None:
    """Remove the temporary files killed saves of ``path`` left: ``mkstemp``'s exact names, untouched for a minute.

    Only regular files named ``.<name>.XXXXXXXX<suffix>`` (``mkstemp``'s eight characters
    from ``a-z0-9_``) in ``path``'s folder, other than this save's own ``own``, go.
    """
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[a-z0-9_]{{8}}{re.escape(suffix)}")
    # By age, not by lock (fcntl is POSIX-only): a live save keeps writing to its file, so one untouched for
    # STALE_TEMP_SECONDS, measured on the filesystem's clock against our own new file, is a dead save's.
    cutoff = own.stat().st_mtime - STALE_TEMP_SECONDS
    with os.scandir(path.parent) as entries:
        for entry in entries:
            if entry.name == own.name or not pattern.fullmatch(entry.name):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                    os.unlink(entry.path)
            except OSError:
                pass  # removed meanwhile by another save, or not ours to remove: the save goes on


def atomic_torch_save(payload: Any, path: str | os.PathLike) -> Path:
    """``torch.save`` to a temporary file beside ``path``, then rename: no partial checkpoint."""
    return atomic_write(path, lambda tmp_name: torch.save(payload, tmp_name))


def payload_digest(payload: dict) -> str:
    """Format version 2's checksum: :func:`state_digest` of the whole payload but the checksum itself."""
    return state_digest({key: value for key, value in payload.items() if key != CHECKSUM_KEY})


def write_checkpoint(body: dict, path: str | os.PathLike) -> Path:
    """Write ``body`` (the agent's fields) as a version-2 checkpoint: format header, checksum, atomic write."""
    payload = {"format": CHECKPOINT_FORMAT, "format_version": CHECKPOINT_VERSION, **body}
    payload[CHECKSUM_KEY] = payload_digest(payload)
    return atomic_torch_save(payload, path)


def read_checkpoint(path: str | os.PathLike) -> dict:
    """Read an rldojo checkpoint safely, or raise ValueError saying what is wrong with it.

    Version 2: every field is checked against the checksum before any is used. Version 1
    (written before the checksum covered more than the state): the state is checked, a
    warning says the rest is not, and saving the agent again writes version 2.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch's reader fails in many ways: RuntimeError, UnpicklingError, EOFError, ...
        raise ValueError(
            f"{path} is not a readable rldojo checkpoint (damaged, truncated or another format): "
            f"{type(error).__name__}: {error}"
        ) from error
    if not isinstance(payload, dict):
        raise ValueError(f"{path} is not a readable rldojo checkpoint: it holds a {type(payload).__name__}")
    if not (payload.get("format") == CHECKPOINT_FORMAT or CHECKSUM_KEY in payload or "state_sha256" in payload):
        raise ValueError(f"{path} is not a readable rldojo checkpoint: it is a torch file, but not an rldojo agent's")
    version = payload.get("format_version")
    if version == CHECKPOINT_VERSION and type(version) is int:
        _check_sum(path, payload.get(CHECKSUM_KEY), lambda: payload_digest(payload))
    elif version == 1 and type(version) is int:
        _check_sum(path, payload.get("state_sha256"), lambda: state_digest(payload.get("state")))
        warnings.warn(
            f"{path} is a format-version-1 checkpoint: its checksum covers the saved state only, not its "
            "config or header; save the agent again to write version 2",
            stacklevel=3,
        )
    elif payload.get("format") == CHECKPOINT_FORMAT:
        raise ValueError(
            f"{path} is not a readable rldojo checkpoint: its format version is {version!r}, and this rldojo "
            f"reads versions 1 and {CHECKPOINT_VERSION} (a newer rldojo wrote it, or the file is damaged)"
        )
    if payload.get("format") != CHECKPOINT_FORMAT:  # a version-1 header is not checksummed
        raise damaged(path, f"its format is {payload.get('format')!r}, not {CHECKPOINT_FORMAT!r}")
    wrong = [key for key, kinds in _FIELDS.items() if not isinstance(payload.get(key, _MISSING), kinds)]
    if wrong:
        raise damaged(path, f"its {', '.join(wrong)} field{'s are' if len(wrong) > 1 else ' is'} missing or mistyped")
    payload["state"] = from_saved(payload["state"])
    return payload


_MISSING = object()
# The fields from_checkpoint reads, and the types save writes them as.
_FIELDS: dict[str, type | tuple[type, ...]] = {
    "class": str,
    "config": dict,
    "seed": (int, type(None)),
    "num_timesteps": int,
    "observation_space": dict,
    "action_space": dict,
    "env_id": (str, type(None)),
    "env_kwargs": (dict, type(None)),
    "state": dict,
}


def _check_sum(path: Path, stored: Any, digest: Callable[[], str]) -> None:
    try:
        actual = digest()
    except Exception as error:  # values no save writes (sparse or quantized tensors...)
        raise damaged(path, "its contents cannot be checksummed", error) from error
    if not isinstance(stored, str) or stored != actual:
        raise ValueError(
            f"{path} is a damaged checkpoint (checksum mismatch): what it holds is not what was saved, "
            "so it is refused rather than loaded as another agent"
        )
