"""A tiny masked env shared by the agent tests: five actions, only the odd ones legal."""

import gymnasium as gym
import numpy as np
from gymnasium import spaces


class OddOnlyEnv(gym.Env):
    """Five actions, only the odd ones legal, reported in info["action_mask"] only.

    Action 3 pays 1; an even action raises.
    """

    def __init__(self):
        self.observation_space = spaces.Box(0.0, 1.0, (2,), np.float32)
        self.action_space = spaces.Discrete(5)
        self.mask = np.array([0, 1, 0, 1, 0], dtype=np.int8)

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return np.ones(2, np.float32), {"action_mask": self.mask.copy()}

    def step(self, action):
        if not self.mask[int(action)]:
            raise ValueError(f"illegal action {action}")
        self.t += 1
        return np.ones(2, np.float32), float(int(action) == 3), False, self.t >= 10, {"action_mask": self.mask.copy()}
