"""How well a policy solves a maze: the course's win-from-all-cells check and path optimality against BFS."""

from __future__ import annotations

import gymnasium as gym
import numpy as np


def maze_policy_metrics(policy, env) -> dict[str, float]:
    """Play one greedy episode from every cell that can reach the exit, and score them.

    :param policy: anything with ``predict(obs, deterministic=True)`` or a callable obs -> action
    :param env: a Maze-v0 env (wrapped or not); its ``obs_mode`` must be the one the policy reads
    :return: ``won_all`` (1.0 when every episode won, else 0.0), ``win_rate``, and
        ``path_optimality``: the mean over start cells of BFS length / greedy path length,
        counting 0 for a cell whose episode is not won (a policy that never leaves a cell,
        or wanders until the loss rule or the step limit ends it)
    """
    maze_env = env.unwrapped
    shortest = maze_env.shortest_path_lengths()
    results = maze_env.play_from_every_cell(policy)
    if not results:
        raise ValueError("the maze has no cell to start from")
    wins = np.array([won for won, _ in results.values()], dtype=float)
    ratios = np.array([shortest[cell] / steps if won else 0.0 for cell, (won, steps) in results.items()])
    return {"won_all": float(wins.all()), "win_rate": float(wins.mean()), "path_optimality": float(ratios.mean())}


def maze_metric(agent, env_id: str, env_kwargs: dict, seed: int) -> dict[str, float]:
    """The benchmark's Maze metric, ``f(agent, env_id, env_kwargs, seed)``: see :func:`maze_policy_metrics`.

    ``seed`` seeds the env, so a slippery maze's greedy episodes are repeatable.
    """
    env = gym.make(env_id, **env_kwargs)
    try:
        env.reset(seed=seed)
        return maze_policy_metrics(agent, env)
    finally:
        env.close()


def bfs_policy(env):
    """The BFS-optimal policy of a Maze-v0 env as a callable obs -> action (the lowest optimal action).

    It reads the agent's cell from the env itself, so it works with every ``obs_mode``; meant
    for checks and baselines, not as an agent.
    """
    maze_env = env.unwrapped

    def act(_obs) -> int:
        actions = maze_env.maze.optimal_actions(maze_env.maze.cell)
        return actions[0] if actions else 0

    return act
