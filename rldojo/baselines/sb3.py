"""stable-baselines3's DQN, PPO and A2C, and sb3-contrib's MaskablePPO, behind rldojo's names.

SB3's algorithms already have the contract's face (``learn``, ``predict``, ``save``,
``load``), so these are thin subclasses that add only what is missing:

- ``make_agent("sb3-ppo", env, seed=0, **kwargs)`` works: the env comes first and the
  policy is chosen from the observation space (``MlpPolicy``, ``CnnPolicy`` for images,
  ``MultiInputPolicy`` for dicts);
- ``verbose=0`` by default;
- the env is always wrapped in SB3's ``Monitor``; with ``monitor_dir=DIR`` it writes
  ``DIR/monitor.csv`` (``DIR/<i>.monitor.csv`` with ``n_envs > 1``); ``tensorboard_log=DIR``
  is SB3's own;
- ``n_envs=N`` trains on N copies of the env (a ``DummyVecEnv``), as rl-zoo3 does;
- rl-zoo3's schedule strings: ``learning_rate="lin_0.001"`` (and ``clip_range``) decay
  linearly to 0; ``policy_kwargs={"activation_fn": "relu"}`` names an activation;
- masks: ``SB3MaskablePPO`` reads ``env.action_masks()``; an env that only offers
  ``info["action_mask"]`` is wrapped so that it has that method too;
- ``load`` / :func:`load_sb3` never unpickle anything from the file: every cloudpickled
  entry of the zip's ``data`` is replaced (``custom_objects``) by an object rebuilt from
  its readable fields, and the ``.pth`` parts are read with ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
import torch
from gymnasium import spaces

from rldojo.baselines.core import resolve_env

try:
    from stable_baselines3 import A2C, DQN, PPO
    from stable_baselines3.common.monitor import Monitor
    from stable_baselines3.common.utils import LinearSchedule
    from stable_baselines3.common.vec_env import DummyVecEnv, VecEnv
except ImportError as error:  # pragma: no cover - exercised only without the extra
    raise ImportError("the sb3-* agents need stable-baselines3: pip install 'rldojo[sb3]'") from error

try:
    from sb3_contrib import MaskablePPO
    from sb3_contrib.common.wrappers import ActionMasker
except ImportError:  # pragma: no cover
    MaskablePPO = None
    ActionMasker = None

__all__ = ["SB3DQN", "SB3PPO", "SB3A2C", "SB3MaskablePPO", "load_sb3", "wrap_env"]

# Names a user may give in policy_kwargs, and the only classes a checkpoint may name.
ACTIVATIONS = {name: getattr(torch.nn, cls) for name, cls in
               {"relu": "ReLU", "tanh": "Tanh", "elu": "ELU", "leaky_relu": "LeakyReLU", "gelu": "GELU",
                "silu": "SiLU", "sigmoid": "Sigmoid"}.items()}
OPTIMIZERS = {cls.__name__: cls for cls in (torch.optim.Adam, torch.optim.AdamW, torch.optim.RMSprop,
                                            torch.optim.SGD)}


# ------------------------------------------------------------------------------ env wrapping


class InfoActionMasker(ActionMasker if ActionMasker is not None else gym.Wrapper):
    """sb3-contrib's ActionMasker for an env that reports its mask in ``info["action_mask"]`` only.

    It remembers the mask of the last ``reset`` or ``step`` and hands it to MaskablePPO
    through ``action_masks()``.
    """

    def __init__(self, env: gym.Env):
        if ActionMasker is not None:
            super().__init__(env, lambda _env: self._recorded_mask())
        else:  # pragma: no cover
            super().__init__(env)
        self._mask = None

    def reset(self, **kwargs):
        obs, info = self.env.reset(**kwargs)
        self._mask = info.get("action_mask")
        return obs, info

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._mask = info.get("action_mask")
        return obs, reward, terminated, truncated, info

    def _recorded_mask(self) -> np.ndarray:
        if self._mask is None:  # an env without masks: every action is legal
            return np.ones(self.action_space.n, dtype=bool)
        return np.asarray(self._mask, dtype=bool)

    def action_masks(self) -> np.ndarray:
        return self._recorded_mask()


def _has_action_masks(env: gym.Env) -> bool:
    try:
        return callable(env.get_wrapper_attr("action_masks"))
    except AttributeError:
        return False


def wrap_env(env, monitor_dir=None, n_envs: int = 1, masks: bool = False, index: int | None = None):
    """The env as SB3 should see it: Monitor-wrapped (and mask-capable when ``masks``).

    :param env: an env, an env id, or an SB3 ``VecEnv`` (returned as it is)
    :param monitor_dir: where Monitor writes its CSV; None keeps the episodes in memory only
    :param n_envs: above 1, a ``DummyVecEnv`` of that many copies made from the env's spec
    :param masks: give the env an ``action_masks()`` method (for MaskablePPO)
    """
    if env is None or isinstance(env, VecEnv):
        return env
    env = resolve_env(env)
    if n_envs > 1:
        spec = env.spec
        if spec is None:
            raise ValueError("n_envs > 1 needs an env made by gym.make (its spec is copied)")

        def factory(i):
            return lambda: wrap_env(env if i == 0 else gym.make(spec), monitor_dir, 1, masks, index=i)

        return DummyVecEnv([factory(i) for i in range(n_envs)])
    if masks and not _has_action_masks(env):
        env = InfoActionMasker(env)
    if not _is_monitored(env):
        filename = None
        if monitor_dir is not None:
            Path(monitor_dir).mkdir(parents=True, exist_ok=True)
            filename = str(Path(monitor_dir) / ("monitor.csv" if index is None else f"{index}.monitor.csv"))
        env = Monitor(env, filename=filename)
    return env


def _is_monitored(env) -> bool:
    while isinstance(env, gym.Wrapper):
        if isinstance(env, Monitor):
            return True
        env = env.env
    return False


def _policy_for(space: spaces.Space) -> str:
    if isinstance(space, spaces.Dict):
        return "MultiInputPolicy"
    if isinstance(space, spaces.Box) and space.dtype == np.uint8 and len(space.shape) == 3:
        return "CnnPolicy"
    return "MlpPolicy"


def _schedule(value):
    """rl-zoo3's "lin_X" string as a linear decay from X to 0; anything else unchanged."""
    if isinstance(value, str):
        if value.startswith("lin_"):
            return LinearSchedule(float(value[4:]), 0.0, 1.0)
        return float(value)
    return value


def _policy_kwargs(policy_kwargs: dict | None) -> dict | None:
    """Allow activation and optimizer classes to be named by strings (JSON-friendly defaults)."""
    if not policy_kwargs:
        return policy_kwargs
    out = dict(policy_kwargs)
    if isinstance(out.get("activation_fn"), str):
        name = out["activation_fn"].lower()
        if name not in ACTIVATIONS:
            raise ValueError(f"activation_fn must be one of {sorted(ACTIVATIONS)}, got {out['activation_fn']!r}")
        out["activation_fn"] = ACTIVATIONS[name]
    if isinstance(out.get("optimizer_class"), str):
        if out["optimizer_class"] not in OPTIMIZERS:
            raise ValueError(f"optimizer_class must be one of {sorted(OPTIMIZERS)}, got {out['optimizer_class']!r}")
        out["optimizer_class"] = OPTIMIZERS[out["optimizer_class"]]
    return out


# ------------------------------------------------------------------------------ the agents


class _RldojoSB3:
    """What the four SB3 classes share: the env-first constructor, Monitor, safe load."""

    name: ClassVar[str] = ""
    _masks: ClassVar[bool] = False
    _schedules: ClassVar[tuple[str, ...]] = ("learning_rate",)

    def _rldojo_init(self, sb3_class, env, policy, seed, verbose, monitor_dir, n_envs, kwargs):
        env_for_policy = env
        if env is not None and not isinstance(env, VecEnv):
            env_for_policy = resolve_env(env)
        if policy is None:
            if env_for_policy is None:
                raise ValueError("pass an env (or a policy) to build an agent")
            space = getattr(env_for_policy, "observation_space")
            policy = _policy_for(space)
        for key in self._schedules:
            if key in kwargs:
                kwargs[key] = _schedule(kwargs[key])
        if "policy_kwargs" in kwargs:
            kwargs["policy_kwargs"] = _policy_kwargs(kwargs["policy_kwargs"])
        if isinstance(kwargs.get("train_freq"), list):  # JSON has no tuples: [4, "step"]
            kwargs["train_freq"] = tuple(kwargs["train_freq"])
        wrapped = wrap_env(env_for_policy, monitor_dir, int(n_envs), masks=self._masks)
        self.monitor_dir = None if monitor_dir is None else str(monitor_dir)
        sb3_class.__init__(self, policy, wrapped, seed=seed, verbose=verbose, **kwargs)

    def _excluded_save_params(self) -> list[str]:
        return [*super()._excluded_save_params(), "monitor_dir"]

    @property
    def episodes(self):
        """The Monitor's episodes as rldojo's learning-curve rows (return, length, win, time)."""
        return _MonitorEpisodes(self)

    def save(self, path, exclude=None, include=None) -> None:
        """SB3's save, written to a temporary file and renamed into place."""
        path = Path(path)
        if path.suffix != ".zip":
            path = path.with_name(path.name + ".zip")
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".zip", dir=path.parent)
        os.close(handle)
        train_freq = getattr(self, "train_freq", None)
        try:
            if train_freq is not None:  # a plain pair instead of a pickled TrainFreq
                self.train_freq = [int(train_freq.frequency), train_freq.unit.value]
            super().save(tmp_name, exclude=exclude, include=include)
            os.replace(tmp_name, path)
        finally:
            if train_freq is not None:
                self.train_freq = train_freq
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
        return path

    @classmethod
    def load(cls, path, env=None, **kwargs):
        """Load without unpickling anything from the file (see :func:`load_sb3`)."""
        return load_sb3(path, env=env, expect=cls, **kwargs)


class _MonitorEpisodes:
    """rldojo's ``agent.episodes.rows`` for an SB3 agent, read from its Monitor wrappers."""

    def __init__(self, model):
        self.model = model

    @property
    def rows(self) -> list[dict]:
        vec = self.model.get_env()
        if vec is None:
            return []
        rows = []
        for monitor in _monitors(vec):
            returns, lengths, times = (monitor.get_episode_rewards(), monitor.get_episode_lengths(),
                                       monitor.get_episode_times())
            for r, n, t in zip(returns, lengths, times):
                rows.append({"return": float(r), "length": int(n), "win": None, "epsilon": None, "time": t})
        rows.sort(key=lambda row: row["time"])
        total = 0
        for i, row in enumerate(rows):
            total += row["length"]
            row["episode"], row["timesteps"] = i, total
        return rows


def _monitors(vec) -> list:
    found = []
    for env in getattr(vec, "envs", []):
        while isinstance(env, gym.Wrapper):
            if isinstance(env, Monitor):
                found.append(env)
                break
            env = env.env
    return found


class SB3DQN(_RldojoSB3, DQN):
    """stable-baselines3's DQN, as ``make_agent("sb3-dqn", env, seed=0, **kwargs)``.

    :param env: an env, an env id or an SB3 VecEnv
    :param policy: SB3's policy name or class; chosen from the observation space when None
    :param seed: SB3's seed
    :param verbose: 0 silent (the default here), 1 SB3's logs
    :param monitor_dir: a folder for Monitor's CSV of episodes
    :param n_envs: train on this many copies of the env
    :param kwargs: DQN's own arguments (``learning_rate``, ``buffer_size``, ``tensorboard_log``...)
    """

    name = "sb3-dqn"

    def __init__(self, env=None, policy=None, seed: int | None = None, verbose: int = 0, monitor_dir=None,
                 n_envs: int = 1, **kwargs):
        self._rldojo_init(DQN, env, policy, seed, verbose, monitor_dir, n_envs, kwargs)


class SB3PPO(_RldojoSB3, PPO):
    """stable-baselines3's PPO, as ``make_agent("sb3-ppo", env, seed=0, **kwargs)`` (arguments as SB3DQN's)."""

    name = "sb3-ppo"
    _schedules = ("learning_rate", "clip_range")

    def __init__(self, env=None, policy=None, seed: int | None = None, verbose: int = 0, monitor_dir=None,
                 n_envs: int = 1, **kwargs):
        self._rldojo_init(PPO, env, policy, seed, verbose, monitor_dir, n_envs, kwargs)


class SB3A2C(_RldojoSB3, A2C):
    """stable-baselines3's A2C, as ``make_agent("sb3-a2c", env, seed=0, **kwargs)`` (arguments as SB3DQN's)."""

    name = "sb3-a2c"

    def __init__(self, env=None, policy=None, seed: int | None = None, verbose: int = 0, monitor_dir=None,
                 n_envs: int = 1, **kwargs):
        self._rldojo_init(A2C, env, policy, seed, verbose, monitor_dir, n_envs, kwargs)


if MaskablePPO is not None:

    class SB3MaskablePPO(_RldojoSB3, MaskablePPO):
        """sb3-contrib's MaskablePPO, as ``make_agent("sb3-maskable-ppo", env, seed=0, **kwargs)``.

        It reads ``env.action_masks()``; an env that only reports ``info["action_mask"]`` is
        wrapped to offer it. ``predict(obs, action_masks=mask)`` takes the mask for acting.
        """

        name = "sb3-maskable-ppo"
        _masks = True
        _schedules = ("learning_rate", "clip_range")

        def __init__(self, env=None, policy=None, seed: int | None = None, verbose: int = 0, monitor_dir=None,
                     n_envs: int = 1, **kwargs):
            self._rldojo_init(MaskablePPO, env, policy, seed, verbose, monitor_dir, n_envs, kwargs)

else:  # pragma: no cover

    class SB3MaskablePPO:  # type: ignore[no-redef]
        name = "sb3-maskable-ppo"

        def __init__(self, *args, **kwargs):
            raise ImportError("sb3-maskable-ppo needs sb3-contrib: pip install 'rldojo[sb3]'")


CLASSES = {cls.name: cls for cls in (SB3DQN, SB3PPO, SB3A2C, SB3MaskablePPO)}


# ------------------------------------------------------------------------------ safe loading


def load_sb3(path, env=None, custom_objects: dict | None = None, monitor_dir=None, expect=None, **kwargs):
    """Load a stable-baselines3 ``.zip`` without unpickling anything from it.

    The algorithm is read from the zip's ``data``. Every entry SB3 stored with cloudpickle
    is replaced before SB3 sees it: classes by name from a fixed list, spaces and schedules
    rebuilt from their readable fields, transient state (last observation, episode buffers)
    dropped. An entry that cannot be rebuilt is an error unless ``custom_objects`` supplies
    it. The ``.pth`` parts are checked with ``torch.load(weights_only=True)`` first.

    :param path: the checkpoint
    :param env: the env to attach (needed to train on; predicting works without it)
    :param custom_objects: replacements for entries of ``data``, as in SB3's ``load``
    :param monitor_dir: where the attached env's Monitor writes its CSV
    :param expect: the class the caller expects (``SB3PPO.load`` passes its class)
    :raises ValueError: a corrupt or foreign file, or an entry that cannot be rebuilt safely
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    data, pth_names = _read_archive(path)
    if data is None:  # a torch.save zip: an rldojo checkpoint, not an SB3 one
        from rldojo.baselines.core import Agent

        return Agent.load(path, env=env)
    cls = _algorithm_of(data, path)
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


def _read_archive(path: Path) -> tuple[dict | None, list[str]]:
    """The JSON ``data`` of an SB3 zip (None for a torch checkpoint), after checking every part."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            bad = archive.testzip()
            if bad is not None:
                raise ValueError(f"{path} is corrupt: the checksum of {bad!r} does not match")
            if "data" not in names:
                if any(name.endswith("data.pkl") for name in names):
                    return None, []
                raise ValueError(f"{path} is not a stable-baselines3 model: it has no 'data' entry")
            pth_names = [n for n in names if n.endswith(".pth")]
            if "policy.pth" not in pth_names:
                raise ValueError(f"{path} is not a stable-baselines3 model: it has no 'policy.pth' entry")
            for name in pth_names:  # weights only: tensors and plain containers, never code
                torch.load(io.BytesIO(archive.read(name)), map_location="cpu", weights_only=True)
            data = json.loads(archive.read("data").decode())
    except ValueError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, UnicodeDecodeError, KeyError) as error:
        raise ValueError(f"{path} is not a readable stable-baselines3 model (corrupt or truncated): {error}") from error
    except Exception as error:  # torch's unpickler refusals and the like
        raise ValueError(f"{path} is not a readable stable-baselines3 model: {error}") from error
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a stable-baselines3 model: its 'data' is not a JSON object")
    return data, pth_names


def _readable(entry) -> dict:
    """The human-readable fields SB3 writes beside a cloudpickled entry."""
    return {k: v for k, v in entry.items() if k != ":serialized:"} if isinstance(entry, dict) else {}


def _is_pickled(entry) -> bool:
    return isinstance(entry, dict) and ":serialized:" in entry


def _algorithm_of(data: dict, path: Path):
    policy = _readable(data.get("policy_class"))
    module = policy.get("__module__", "")
    if "maskable" in module:
        return SB3MaskablePPO
    if module.startswith("stable_baselines3.dqn") or "exploration_fraction" in data:
        return SB3DQN
    if "clip_range" in data:
        return SB3PPO
    if "n_steps" in data and "gae_lambda" in data:
        return SB3A2C
    raise ValueError(f"{path}: cannot tell which algorithm saved it (supported: {', '.join(CLASSES)})")


def _policy_class(entry, cls, observation_space):
    """The policy class named in the entry's readable fields, from the algorithm's own aliases."""
    text = json.dumps(_readable(entry))
    candidates = {policy.__name__: policy for policy in cls.policy_aliases.values()}
    for name in sorted(candidates, key=len, reverse=True):  # longest first: ActorCriticCnnPolicy before ...
        if re.search(rf"<function {name}\.", text):
            return candidates[name]
    return cls.policy_aliases[_policy_for(observation_space)]


def _space_from(entry, path: Path, which: str) -> spaces.Space:
    """A Discrete, Box, MultiDiscrete or MultiBinary space rebuilt from its readable fields."""
    fields = _readable(entry)
    kind = fields.get(":type:", "")

    def array(text, dtype):
        return np.array([float(x) for x in re.findall(r"[-+]?(?:inf|nan|\d+\.?\d*(?:e[-+]?\d+)?|\.\d+)", text)],
                        dtype=dtype)

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
    if key == "observation_space" and isinstance(env_space, spaces.Box) and len(env_space.shape) == 3 \
            and stored_shape == (env_space.shape[2], env_space.shape[0], env_space.shape[1]):
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
        warnings.warn(f"{path}: the {key} schedule is a function that cannot be read without unpickling; "
                      f"using the constant {fallback}")
        return fallback
    raise ValueError(f"{path}: cannot rebuild {key} without unpickling; pass custom_objects={{{key!r}: ...}}")


def _kwargs_from(entry, key: str, path: Path) -> dict:
    """policy_kwargs (and the like) rebuilt: JSON values kept, classes looked up by name in a fixed list."""
    allowed = {f"<class '{c.__module__}.{c.__qualname__}'>": c for c in (*ACTIVATIONS.values(), *OPTIMIZERS.values())}
    out = {}
    for name, value in _readable(entry).items():
        if name.startswith(":"):
            continue
        if isinstance(value, str) and value.startswith("<class "):
            if value not in allowed:
                raise ValueError(f"{path}: {key}[{name!r}] is {value}, which rldojo does not rebuild; "
                                 f"pass custom_objects={{{key!r}: ...}}")
            out[name] = allowed[value]
        else:
            out[name] = value
    return out


# Transient state SB3 rebuilds on the next learn() when it is None.
_DROPPED = ("_last_obs", "_last_episode_starts", "_last_original_obs", "ep_info_buffer", "ep_success_buffer",
            "action_noise", "rollout_buffer_class", "replay_buffer_class", "lr_schedule",
            "exploration_schedule")


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
            warnings.warn(f"{path}: train_freq was pickled; using SB3's default of 4 steps")
            objects[key] = (4, "step")
        elif key != "policy_class":
            raise ValueError(f"{path}: the entry {key!r} is a pickled object rldojo will not unpickle; "
                             f"pass custom_objects={{{key!r}: ...}} to replace it")
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
    except Exception:  # noqa: BLE001 - no optimizer state: the caller's error names the entry
        return None

