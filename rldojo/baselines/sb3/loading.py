"""Loading a stable-baselines3 zip without unpickling anything from it.

SB3's own ``load`` unpickles the cloudpickled entries of the zip's ``data``. Here every
such entry is replaced (``custom_objects``) by an object rebuilt from its readable fields
before SB3 sees it, and the ``.pth`` parts are read with ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import io
import json
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import torch
from gymnasium import spaces
from stable_baselines3.common.utils import LinearSchedule
from stable_baselines3.common.vec_env import VecEnv

from rldojo.baselines.checkpoint import damaged, open_zip
from rldojo.baselines.sb3.wrappers import ACTIVATIONS, FEATURES_EXTRACTORS, OPTIMIZERS, policy_for, wrap_env
from rldojo.envs.common import resolve_env

__all__ = ["load_model"]


def load_model(
    path, classes: dict, env=None, custom_objects: dict | None = None, monitor_dir=None, expect=None, **kwargs
):
    """Load a stable-baselines3 ``.zip`` without unpickling anything from it.

    The algorithm is read from the zip's ``data``. Every entry SB3 stored with cloudpickle
    is replaced before SB3 sees it: classes by name from a fixed list, spaces and schedules
    rebuilt from their readable fields, transient state (last observation, episode buffers)
    dropped. An entry that cannot be rebuilt is an error unless ``custom_objects`` supplies
    it. The ``.pth`` parts are checked with ``torch.load(weights_only=True)`` first.

    :param path: the checkpoint
    :param classes: rldojo's SB3 classes by name (``sb3-dqn``, ``sb3-ppo``, ``sb3-a2c``, ``sb3-maskable-ppo``)
    :param env: the env to attach (needed to train on; predicting works without it)
    :param custom_objects: replacements for entries of ``data``, as in SB3's ``load``
    :param monitor_dir: where the attached env's Monitor writes its CSV
    :param expect: the class the caller expects (``SB3PPO.load`` passes its class)
    :raises ValueError: a corrupt or foreign file, or an entry that cannot be rebuilt safely
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    data, _pth_names = _read_archive(path)
    cls = _algorithm_of(data, path, classes)
    if env is not None and not isinstance(env, VecEnv):
        env = resolve_env(env)
    if expect is not None and cls is not expect:
        raise ValueError(f"{path} holds a {cls.name} model, not a {expect.name} one")
    objects = _safe_objects(data, cls, env, path, custom_objects or {})
    if env is not None:
        env = wrap_env(env, monitor_dir, 1, masks=cls._masks)
    base = next(b for b in cls.__mro__ if b.__module__.startswith(("stable_baselines3", "sb3_contrib")))
    try:
        model = base.load.__func__(cls, str(path), env=env, custom_objects=objects, device="cpu", **kwargs)
    except (KeyError, RuntimeError, zipfile.BadZipFile) as error:
        raise ValueError(f"{path} does not load as a {cls.name} model: {error}") from error
    model.monitor_dir = None if monitor_dir is None else str(monitor_dir)
    return model


def _read_archive(path: Path) -> tuple[dict, list[str]]:
    """The JSON ``data`` of an SB3 zip, after checking every part (CRCs, entries, weights, JSON)."""
    try:
        with open_zip(path) as archive:
            bad = archive.testzip()  # reads every entry: the CRCs cover every byte of their contents
            names = [] if bad is not None else archive.namelist()
            raw_data = archive.read("data") if "data" in names else None
            weights = {name: archive.read(name) for name in names if name.endswith(".pth")}
    except Exception as error:  # a damaged zip fails in many ways: BadZipFile, UnicodeDecodeError, zlib.error, ...
        raise damaged(path, "not a readable stable-baselines3 zip", error) from error
    if bad is not None:
        raise damaged(path, f"the CRC of its entry {bad!r} does not match")
    if raw_data is None:
        raise ValueError(f"{path} is not a stable-baselines3 model: it has no 'data' entry")
    if "policy.pth" not in weights:
        raise ValueError(f"{path} is not a stable-baselines3 model: it has no 'policy.pth' entry")
    for name, blob in weights.items():  # weights only: tensors and plain containers, never code
        try:
            torch.load(io.BytesIO(blob), map_location="cpu", weights_only=True)
        except Exception as error:  # torch's reader: RuntimeError, UnpicklingError, EOFError, ...
            raise damaged(path, f"its {name!r} is not readable as weights", error) from error
    try:
        data = json.loads(raw_data.decode())
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are both ValueErrors
        raise damaged(path, "its 'data' entry is not JSON", error) from error
    if not isinstance(data, dict):
        raise damaged(path, f"its 'data' entry is JSON, but a {type(data).__name__}, not an object")
    return data, list(weights)


def _readable(entry) -> dict:
    """The human-readable fields SB3 writes beside a cloudpickled entry."""
    return {k: v for k, v in entry.items() if k != ":serialized:"} if isinstance(entry, dict) else {}


def _is_pickled(entry) -> bool:
    return isinstance(entry, dict) and ":serialized:" in entry


def _algorithm_of(data: dict, path: Path, classes: dict):
    policy = _readable(data.get("policy_class"))
    module = policy.get("__module__", "")
    if "maskable" in module:
        return classes["sb3-maskable-ppo"]
    if module.startswith("stable_baselines3.dqn") or "exploration_fraction" in data:
        return classes["sb3-dqn"]
    if "clip_range" in data:
        return classes["sb3-ppo"]
    if "n_steps" in data and "gae_lambda" in data:
        return classes["sb3-a2c"]
    raise ValueError(f"{path}: cannot tell which algorithm saved it (supported: {', '.join(classes)})")


def _policy_class(entry, cls, observation_space):
    """The policy class named in the entry's readable fields, from the algorithm's own aliases."""
    text = json.dumps(_readable(entry))
    candidates = {policy.__name__: policy for policy in cls.policy_aliases.values()}
    for name in sorted(candidates, key=len, reverse=True):  # longest first: ActorCriticCnnPolicy before ...
        if re.search(rf"<function {name}\.", text):
            return candidates[name]
    return cls.policy_aliases[policy_for(observation_space)]


def _space_from(entry, path: Path, which: str) -> spaces.Space:
    """A Discrete, Box, MultiDiscrete or MultiBinary space rebuilt from its readable fields."""
    fields = _readable(entry)
    kind = fields.get(":type:", "")

    def array(text, dtype):
        return np.array(
            [float(x) for x in re.findall(r"[-+]?(?:inf|nan|\d+\.?\d*(?:e[-+]?\d+)?|\.\d+)", text)], dtype=dtype
        )

    try:
        if "Discrete'" in kind and "Multi" not in kind:
            return spaces.Discrete(int(fields["n"]), start=int(fields.get("start", 0)))
        if "Box'" in kind:
            shape = tuple(fields["_shape"])
            dtype = np.dtype(fields["dtype"])
            low, high = (_bounds(array(fields[k], np.float64), shape) for k in ("low", "high"))
            return spaces.Box(low.astype(dtype), high.astype(dtype), shape=shape, dtype=dtype)
        if "MultiDiscrete'" in kind:
            return spaces.MultiDiscrete(array(fields["nvec"], np.int64).astype(np.int64))
        if "MultiBinary'" in kind:
            return spaces.MultiBinary(int(fields["n"]) if str(fields["n"]).isdigit() else tuple(fields["_shape"]))
    except (KeyError, ValueError, TypeError) as error:
        raise ValueError(f"{path}: cannot rebuild its {which} ({error}); pass env=") from error
    raise ValueError(f"{path}: cannot rebuild a {kind or 'unknown'} {which} from the file; pass env=")


def _bounds(values: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Box bounds from their printed text; numpy summarises big arrays ("..."), fine when all are equal."""
    if values.size == int(np.prod(shape)):
        return values.reshape(shape)
    if values.size and np.all(values == values[0]):
        return np.full(shape, values[0])
    raise ValueError("the bounds were printed in summary form")


def _space_for(entry, key: str, env_space, path: Path) -> spaces.Space:
    """The stored space, rebuilt from the file; the env's own when the file's text is not enough."""
    try:
        return _space_from(entry, path, key)
    except ValueError:
        if env_space is None:
            raise
    stored_shape = tuple(_readable(entry).get("_shape") or ())
    if (
        key == "observation_space"
        and isinstance(env_space, spaces.Box)
        and len(env_space.shape) == 3
        and stored_shape == (env_space.shape[2], env_space.shape[0], env_space.shape[1])
    ):
        from stable_baselines3.common.vec_env import VecTransposeImage

        return VecTransposeImage.transpose_space(env_space)  # SB3 saved the channels-first view
    return env_space


_SCHEDULE_TEXT = re.compile(r"(ConstantSchedule|LinearSchedule)\(([^()]*)\)")


def _schedule_from(entry, fallback: float | None, key: str, path: Path):
    """A float or an SB3 LinearSchedule rebuilt from a schedule's readable fields."""
    fields = _readable(entry)
    kind = fields.get(":type:", "")
    if "ConstantSchedule" in kind and "val" in fields:
        return float(fields["val"])
    if "LinearSchedule" in kind and {"start", "end", "end_fraction"} <= set(fields):
        return LinearSchedule(float(fields["start"]), float(fields["end"]), float(fields["end_fraction"]))
    match = _SCHEDULE_TEXT.search(str(fields.get("value_schedule", "")))
    if match:
        args = dict(re.findall(r"(\w+)=([-+.\deE]+)", match.group(2)))
        if match.group(1) == "ConstantSchedule":
            return float(args["val"])
        return LinearSchedule(float(args["start"]), float(args["end"]), float(args["end_fraction"]))
    if fallback is not None:
        warnings.warn(
            f"{path}: the {key} schedule is a function that cannot be read without unpickling; "
            f"using the constant {fallback}",
            stacklevel=2,
        )
        return fallback
    raise ValueError(f"{path}: cannot rebuild {key} without unpickling; pass custom_objects={{{key!r}: ...}}")


def _kwargs_from(entry, key: str, path: Path) -> dict:
    """policy_kwargs (and the like) rebuilt: JSON values kept, classes looked up by name in a fixed list."""
    classes = (*ACTIVATIONS.values(), *OPTIMIZERS.values(), *FEATURES_EXTRACTORS.values())
    allowed = {f"<class '{c.__module__}.{c.__qualname__}'>": c for c in classes}
    out = {}
    for name, value in _readable(entry).items():
        if name.startswith(":"):
            continue
        if isinstance(value, str) and value.startswith("<class "):
            if value not in allowed:
                raise ValueError(
                    f"{path}: {key}[{name!r}] is {value}, which rldojo does not rebuild; "
                    f"pass custom_objects={{{key!r}: ...}}"
                )
            out[name] = allowed[value]
        else:
            out[name] = value
    return out


# Transient state SB3 rebuilds on the next learn() when it is None.
_DROPPED = (
    "_last_obs",
    "_last_episode_starts",
    "_last_original_obs",
    "ep_info_buffer",
    "ep_success_buffer",
    "action_noise",
    "rollout_buffer_class",
    "replay_buffer_class",
    "lr_schedule",
    "exploration_schedule",
)


def _safe_objects(data: dict, cls, env, path: Path, given: dict) -> dict[str, Any]:
    """A replacement for every cloudpickled entry of ``data``, so SB3 unpickles none of them."""
    objects: dict[str, Any] = {}
    env_obs = None if env is None else env.observation_space
    env_act = None if env is None else env.action_space
    optimizer_lr = None
    for key, entry in data.items():
        if key in given:
            objects[key] = given[key]
            continue
        if key == "train_freq" and isinstance(entry, list):  # rldojo's plain pair
            objects[key] = (int(entry[0]), str(entry[1]))
            continue
        if not _is_pickled(entry):
            continue
        if key == "observation_space":
            objects[key] = _space_for(entry, key, env_obs, path)
        elif key == "action_space":
            objects[key] = _space_for(entry, key, env_act, path)
        elif key in _DROPPED:
            objects[key] = None
        elif key in ("learning_rate",):
            if optimizer_lr is None:
                optimizer_lr = _optimizer_lr(path)
            objects[key] = _schedule_from(entry, optimizer_lr, key, path)
        elif key in ("clip_range", "clip_range_vf"):
            objects[key] = _schedule_from(entry, None, key, path)
        elif key in ("policy_kwargs", "rollout_buffer_kwargs", "replay_buffer_kwargs"):
            objects[key] = _kwargs_from(entry, key, path)
        elif key == "train_freq":
            warnings.warn(f"{path}: train_freq was pickled; using SB3's default of 4 steps", stacklevel=2)
            objects[key] = (4, "step")
        elif key != "policy_class":
            raise ValueError(
                f"{path}: the entry {key!r} is a pickled object rldojo will not unpickle; "
                f"pass custom_objects={{{key!r}: ...}} to replace it"
            )
    if _is_pickled(data.get("policy_class")) and "policy_class" not in given:
        space = objects.get("observation_space") or data.get("observation_space")
        objects["policy_class"] = _policy_class(data["policy_class"], cls, space)
    return objects


def _optimizer_lr(path: Path) -> float | None:
    """The learning rate last used, from the optimizer's state dict (weights only)."""
    try:
        with zipfile.ZipFile(path) as archive:
            state = torch.load(io.BytesIO(archive.read("policy.optimizer.pth")), weights_only=True)
        return float(state["param_groups"][0]["lr"])
    except Exception:
        return None
