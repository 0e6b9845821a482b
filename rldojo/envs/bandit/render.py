"""Drawing ``Bandit-v0``: the arms as bars of their true value, with what the pulls have shown.

Each arm is a bar from zero to its true value q* (green for the best arm), a black tick
at the average reward its pulls have paid this episode (the sample-average estimate a
learner would hold), its pull count below, and a strip of pull shares at the bottom.
The last arm pulled is outlined in red. The axes, grid and legend are drawn once per
value range and cached.
"""

from __future__ import annotations

import math

from rldojo.envs import rendering
from rldojo.envs.bandit.rules import BERNOULLI

WIDTH, HEIGHT = 640, 420
LEFT, RIGHT = 56, WIDTH - 20
TOP, BOTTOM = 58, 318  # the value plot
SHARE_TOP, SHARE_BOTTOM = 352, 392  # the strip of pull shares
BAR = (158, 183, 222)
SHARE = (205, 195, 170)


def value_range(env) -> tuple[float, float]:
    """The plotted value range: [0, 1] for probabilities, else a whole-number range around q*."""
    if env.arms == BERNOULLI:
        return 0.0, 1.0
    values = env.bandit.values[0]
    low = min(-3.0, math.floor(float(values.min()) - 0.5))
    high = max(3.0, math.ceil(float(values.max()) + 0.5))
    return low, high


def render_ansi(env) -> str:
    """A text table: each arm's true value, pulls and average reward; * the best, > the last pull."""
    values = env.bandit.values[0]
    best = int(values.argmax())
    lines = [
        f"Bandit-v0 ({env.arms}, k={env.k}{', non-stationary' if env.nonstationary else ''})  "
        f"step {env.t}/{env.horizon}  cumulative regret {env.cumulative_regret:.2f}",
        "    arm   true value   pulls   average reward",
    ]
    for arm in range(env.k):
        mark = (">" if arm == env.last_arm else " ") + ("*" if arm == best else " ")
        average = f"{env.reward_sums[arm] / env.pulls[arm]:14.3f}" if env.pulls[arm] else f"{'-':>14}"
        lines.append(f"{mark} {arm:5d} {values[arm]:12.3f} {env.pulls[arm]:7d} {average}")
    if env.last_arm is not None:
        lines.append(f"last pull: arm {env.last_arm}, reward {env.last_reward:.3f}")
    return "\n".join(lines) + "\n"


class BanditRenderer:
    """Draws a :class:`~rldojo.envs.bandit.env.BanditEnv` for ``rgb_array`` and ``human`` modes."""

    def __init__(self, fps: int = 30):
        self.window = rendering.Window("rldojo Bandit-v0", fps)
        self._static = None
        self._static_key = None

    def render(self, env, mode: str):
        pygame = rendering.import_pygame()
        low, high = value_range(env)
        key = (env.k, low, high, env.arms)
        if key != self._static_key:
            self._static = self._draw_static(pygame, env.k, low, high, env.arms)
            self._static_key = key
        surface = self._static.copy()
        self._draw_state(pygame, surface, env, low, high)
        if mode == "human":
            self.window.show(surface)
            return None
        return rendering.surface_to_array(surface)

    # -- drawing -------------------------------------------------------------------------

    @staticmethod
    def _y(value: float, low: float, high: float) -> int:
        value = min(max(value, low), high)
        return round(BOTTOM - (value - low) / (high - low) * (BOTTOM - TOP))

    def _draw_static(self, pygame, k: int, low: float, high: float, arms: str):
        surface = pygame.Surface((WIDTH, HEIGHT))
        surface.fill(rendering.BACKGROUND)
        small = rendering.font(16)
        step = 0.25 if arms == BERNOULLI else 1.0
        tick = low
        while tick <= high + 1e-9:
            y = self._y(tick, low, high)
            colour = rendering.GRID_LINE if abs(tick) < 1e-9 else (215, 212, 202)
            pygame.draw.line(surface, colour, (LEFT, y), (RIGHT, y), 2 if abs(tick) < 1e-9 else 1)
            label = small.render(f"{tick:g}", True, rendering.MUTED)
            surface.blit(label, (LEFT - 8 - label.get_width(), y - label.get_height() // 2))
            tick += step
        axis = small.render("true value" if arms != BERNOULLI else "P(pay 1)", True, rendering.MUTED)
        surface.blit(pygame.transform.rotate(axis, 90), (6, (TOP + BOTTOM) // 2 - axis.get_width() // 2))
        share = small.render("pulls", True, rendering.MUTED)
        surface.blit(share, (LEFT - 8 - share.get_width(), SHARE_BOTTOM - share.get_height()))
        pygame.draw.line(surface, rendering.GRID_LINE, (LEFT, SHARE_BOTTOM), (RIGHT, SHARE_BOTTOM), 1)
        legend = small.render(
            "bar: true value q*    green: best arm    black tick: average reward so far    red: last pull",
            True,
            rendering.MUTED,
        )
        surface.blit(legend, ((WIDTH - legend.get_width()) // 2, HEIGHT - legend.get_height() - 4))
        return surface

    def _draw_state(self, pygame, surface, env, low: float, high: float) -> None:
        values = env.bandit.values[0]
        best = int(values.argmax())
        slot = (RIGHT - LEFT) / env.k
        bar_width = max(2, int(slot * 0.6))
        zero = self._y(max(low, 0.0), low, high)
        small = rendering.font(16)
        header = rendering.font(22).render(
            f"{env.arms} bandit, k={env.k}{', drifting' if env.nonstationary else ''}    "
            f"step {env.t}/{env.horizon}    regret {env.cumulative_regret:.1f}",
            True,
            rendering.TEXT,
        )
        surface.blit(header, (LEFT, 14))
        max_pulls = max(int(env.pulls.max()), 1)
        for arm in range(env.k):
            centre = LEFT + (arm + 0.5) * slot
            x = round(centre - bar_width / 2)
            top = self._y(float(values[arm]), low, high)
            rect = pygame.Rect(x, min(top, zero), bar_width, max(abs(zero - top), 1))
            pygame.draw.rect(surface, rendering.EXIT if arm == best else BAR, rect)
            if arm == env.last_arm:
                pygame.draw.rect(surface, rendering.AGENT, rect.inflate(6, 6), 3)
            if env.pulls[arm]:
                y = self._y(env.reward_sums[arm] / env.pulls[arm], low, high)
                pygame.draw.line(surface, rendering.TEXT, (x - 4, y), (x + bar_width + 3, y), 3)
            # the strip of pull counts, scaled to the most-pulled arm
            height = round((SHARE_BOTTOM - SHARE_TOP) * env.pulls[arm] / max_pulls)
            if height:
                colour = rendering.AGENT if arm == env.last_arm else SHARE
                pygame.draw.rect(surface, colour, (x, SHARE_BOTTOM - height, bar_width, height))
            if slot >= 22:
                label = small.render(str(arm), True, rendering.TEXT)
                surface.blit(label, (int(centre - label.get_width() / 2), BOTTOM + 6))
                count = small.render(str(int(env.pulls[arm])), True, rendering.MUTED)
                surface.blit(count, (int(centre - count.get_width() / 2), BOTTOM + 20))

    def close(self) -> None:
        self.window.close()
