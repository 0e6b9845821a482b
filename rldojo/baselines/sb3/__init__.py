"""stable-baselines3's DQN, PPO and A2C, and sb3-contrib's MaskablePPO, behind rldojo's names.

Importing this package needs the ``sb3`` extra: ``pip install 'rldojo[sb3]'``.

- :mod:`~rldojo.baselines.sb3.agents`: the four agent classes and :func:`load_sb3`;
- :mod:`~rldojo.baselines.sb3.wrappers`: Monitor and mask wrapping, policy choice, rl-zoo3 names;
- :mod:`~rldojo.baselines.sb3.loading`: the safe loader, which unpickles nothing from a file.
"""

try:
    import stable_baselines3  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised only without the extra
    raise ImportError("the sb3-* agents need stable-baselines3: pip install 'rldojo[sb3]'") from error

from rldojo.baselines.sb3.agents import CLASSES, SB3A2C, SB3DQN, SB3PPO, SB3MaskablePPO, load_sb3
from rldojo.baselines.sb3.wrappers import wrap_env

__all__ = ["CLASSES", "SB3A2C", "SB3DQN", "SB3PPO", "SB3MaskablePPO", "load_sb3", "wrap_env"]
