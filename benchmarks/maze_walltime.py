"""Time to win from every cell of Maze-v0 ``layout="classic"``: hand-written DQN against SB3's DQN.

Both learn from random start cells on one-hot observations with the same settings
(``MATCHED``: network, learning rate, discount, batch, replay, target network, a linear
epsilon schedule, one gradient step per env step). Every ``CHECK_EVERY`` episodes the
course's convergence check runs: a greedy episode from every free cell
(``env.unwrapped.check_win_all``). A run stops at the first check it passes. The time
reported is the training time until then, with the checks' own time left out (they cost
the same for both, and are not learning). CPU time of this process (torch runs one thread)
is the headline, since the machine is shared; wall time is reported beside it.

Goal: ours <= 0.5x SB3's, median over 5 seeds.

    python -m benchmarks.maze_walltime               # 5 seeds
    python -m benchmarks.maze_walltime --seeds 2     # a quick look
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

ENV_KWARGS = {"layout": "classic", "obs_mode": "onehot"}
CHECK_EVERY = 5  # episodes between convergence checks, as in the course's training loop
MAX_STEPS = 60_000  # give up after this many env steps
GOAL = 0.5
MATCHED = dict(
    learning_rate=3e-3,
    gamma=0.95,
    batch_size=32,
    buffer_size=50_000,
    learning_starts=200,
    target_update_interval=200,
    train_freq=1,
    gradient_steps=1,
    exploration_fraction=0.05,
    epsilon_end=0.05,
    max_grad_norm=10.0,
)


class _Clock:
    """Training time with the convergence checks taken out."""

    def __init__(self):
        self.cpu0, self.wall0 = time.process_time(), time.perf_counter()
        self.check_cpu = self.check_wall = 0.0
        self.episodes = 0
        self.won = False

    def check(self, eval_env, policy) -> bool:
        cpu, wall = time.process_time(), time.perf_counter()
        self.won = bool(eval_env.unwrapped.check_win_all(policy)[0])
        self.check_cpu += time.process_time() - cpu
        self.check_wall += time.perf_counter() - wall
        return self.won

    def elapsed(self) -> tuple[float, float]:
        return (time.process_time() - self.cpu0 - self.check_cpu, time.perf_counter() - self.wall0 - self.check_wall)


def run_ours(seed: int) -> dict:
    import gymnasium as gym

    import rldojo  # noqa: F401
    from rldojo.baselines import Callback
    from rldojo.baselines.dqn import DQN

    env = gym.make("Maze-v0", start="random", **ENV_KWARGS)
    eval_env = gym.make("Maze-v0", **ENV_KWARGS)
    agent = DQN(env, seed=seed, form="standard", hidden_sizes=(64, 64), loss="huber", **MATCHED)

    class Check(Callback):
        def on_episode_end(self, episode):
            clock.episodes += 1
            if clock.episodes % CHECK_EVERY == 0:
                clock.check(eval_env, agent)

        def on_step(self):
            return not clock.won

    clock = _Clock()
    agent.learn(MAX_STEPS, callback=Check())
    cpu, wall = clock.elapsed()
    return {"won": clock.won, "cpu": cpu, "wall": wall, "steps": agent.num_timesteps, "episodes": clock.episodes}


def run_sb3(seed: int) -> dict:
    import gymnasium as gym
    from stable_baselines3 import DQN as SB3DQN
    from stable_baselines3.common.callbacks import BaseCallback

    import rldojo  # noqa: F401

    env = gym.make("Maze-v0", start="random", **ENV_KWARGS)
    eval_env = gym.make("Maze-v0", **ENV_KWARGS)
    m = MATCHED
    model = SB3DQN(
        "MlpPolicy",
        env,
        seed=seed,
        device="cpu",
        learning_rate=m["learning_rate"],
        gamma=m["gamma"],
        batch_size=m["batch_size"],
        buffer_size=m["buffer_size"],
        learning_starts=m["learning_starts"],
        target_update_interval=m["target_update_interval"],
        train_freq=m["train_freq"],
        gradient_steps=m["gradient_steps"],
        exploration_fraction=m["exploration_fraction"],
        exploration_final_eps=m["epsilon_end"],
        max_grad_norm=m["max_grad_norm"],
        policy_kwargs={"net_arch": [64, 64]},
    )

    class Check(BaseCallback):
        def _on_step(self) -> bool:
            for done in self.locals["dones"]:
                if done:
                    clock.episodes += 1
                    if clock.episodes % CHECK_EVERY == 0 and clock.check(eval_env, self.model):
                        return False
            return True

    clock = _Clock()
    model.learn(MAX_STEPS, callback=Check())
    cpu, wall = clock.elapsed()
    return {"won": clock.won, "cpu": cpu, "wall": wall, "steps": model.num_timesteps, "episodes": clock.episodes}


def rows(seeds: int = 5) -> list[dict]:
    """Median time to win from every cell, ours and SB3's, over ``seeds`` seeds (order alternating)."""
    torch.set_num_threads(1)
    ours, theirs = [], []
    for seed in range(seeds):
        pair = [("ours", run_ours), ("sb3", run_sb3)]
        if seed % 2:
            pair.reverse()
        for name, run in pair:
            result = run(seed)
            (ours if name == "ours" else theirs).append(result)
            print(
                f"seed {seed} {name:>4}: won={result['won']} cpu={result['cpu']:.1f}s wall={result['wall']:.1f}s "
                f"steps={result['steps']} episodes={result['episodes']}",
                flush=True,
            )

    def median(results, key):
        # an unsolved run counts as the longest possible time
        return statistics.median(r[key] if r["won"] else float("inf") for r in results)

    out = []
    for key in ("cpu", "wall"):
        o, s = median(ours, key), median(theirs, key)
        out.append(
            {
                "env": "Maze-v0 classic",
                "what": f"{key} seconds to win from every cell, median of {seeds} seeds",
                "ours": o,
                "peer": "stable-baselines3 DQN",
                "peer_value": s,
                "ratio": o / s if s not in (0.0, float("inf")) else None,  # lower is better here: goal is a maximum
                "goal": GOAL if key == "cpu" else None,
                "ours_won": sum(r["won"] for r in ours),
                "sb3_won": sum(r["won"] for r in theirs),
                "ours_steps": statistics.median(r["steps"] for r in ours),
                "sb3_steps": statistics.median(r["steps"] for r in theirs),
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    table = rows(args.seeds)
    print(f"{'what':<55} {'ours':>8} {'sb3':>8} {'ours/sb3':>8} {'goal':>6} {'won':>9} {'steps':>13}")
    for r in table:
        ratio = "n/a" if r["ratio"] is None else f"{r['ratio']:.2f}"
        goal = "" if r["goal"] is None else f"<={r['goal']}"
        print(
            f"{r['what']:<55} {r['ours']:>8.1f} {r['peer_value']:>8.1f} {ratio:>8} {goal:>6} "
            f"{r['ours_won']}/{r['sb3_won']:<7} {r['ours_steps']:>6.0f}/{r['sb3_steps']:<6.0f}"
        )


if __name__ == "__main__":
    main()
