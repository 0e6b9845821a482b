"""Evaluation shared by the CLI, the tests and the benchmark: greedy episodes and their statistics."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from rldojo.envs.common import action_mask, episode_won, policy_action, resolve_env


@dataclass
class EvaluationResult:
    """What :func:`evaluate` measured over its episodes."""

    mean_return: float
    std_return: float
    win_rate: float | None  # None when the env has no notion of a win
    mean_length: float
    returns: list[float] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def evaluate(
    agent, env, n_episodes: int = 10, deterministic: bool = True, seed: int | None = None, max_steps: int | None = None
) -> EvaluationResult:
    """Play ``n_episodes`` with ``agent`` on ``env`` (an env or an id) and summarise them.

    :param agent: anything with stable-baselines3's ``predict``, or a callable obs -> action
    :param seed: seeds the first reset, so the same seed gives the same episodes
    :param max_steps: a safety cap per episode for envs with no time limit of their own
    """
    if n_episodes <= 0:
        raise ValueError(f"n_episodes must be positive, got {n_episodes}")
    env = resolve_env(env)
    returns, lengths, wins = [], [], []
    for episode in range(n_episodes):
        obs, info = env.reset(seed=None if seed is None else seed + episode)
        total, length, done = 0.0, 0, False
        while not done:
            action = policy_action(agent, obs, action_mask(env, info), deterministic)
            obs, reward, terminated, truncated, info = env.step(action)
            total += float(reward)
            length += 1
            done = terminated or truncated or (max_steps is not None and length >= max_steps)
        returns.append(total)
        lengths.append(length)
        wins.append(episode_won(info))
    known = [w for w in wins if w is not None]
    return EvaluationResult(
        mean_return=float(np.mean(returns)),
        std_return=float(np.std(returns)),
        win_rate=float(np.mean(known)) if known else None,
        mean_length=float(np.mean(lengths)),
        returns=[float(r) for r in returns],
        lengths=lengths,
    )


def plot_learning_curve(rows: list[dict], path, title: str = "", window: int = 20):
    """Save return (and win rate, when known) per episode as a PNG, smoothed over ``window`` episodes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not rows:
        raise ValueError("no episodes to plot: train for longer")
    returns = np.array([r["return"] for r in rows], dtype=float)
    wins = [r["win"] for r in rows]
    has_wins = any(w is not None for w in wins)

    def smooth(x):
        k = max(1, min(window, len(x)))
        return np.convolve(x, np.ones(k) / k, mode="valid")

    fig, axes = plt.subplots(1, 2 if has_wins else 1, figsize=(10 if has_wins else 5, 3.5), squeeze=False)
    ax = axes[0, 0]
    ax.plot(returns, alpha=0.3, color="tab:blue", label="episode")
    ax.plot(
        np.arange(len(smooth(returns))) + min(window, len(returns)) - 1,
        smooth(returns),
        color="tab:blue",
        label=f"mean of {window}",
    )
    ax.set_xlabel("episode")
    ax.set_ylabel("return")
    ax.legend(loc="lower right")
    if has_wins:
        win_values = np.array([0.0 if w is None else float(w) for w in wins])
        ax2 = axes[0, 1]
        ax2.plot(
            np.arange(len(smooth(win_values))) + min(window, len(win_values)) - 1, smooth(win_values), color="tab:green"
        )
        ax2.set_ylim(-0.05, 1.05)
        ax2.set_xlabel("episode")
        ax2.set_ylabel(f"win rate (mean of {window})")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
