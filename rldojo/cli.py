"""The ``rldojo`` command: train, evaluate, play, bench and rlhf.

rldojo train Maze-v0 --agent dqn --timesteps 20000 --seed 0 --out runs/maze
rldojo evaluate Maze-v0 --agent runs/maze/model.pt
rldojo play Maze-v0                       # a person plays with the arrow keys
rldojo play Go-v0 --opponent gnugo        # a person plays Go against GNU Go
rldojo bench --suite quick                # the benchmark (rldojo.bench; --help for its options)
rldojo rlhf --help                        # the miniature RLHF pipeline
rldojo rlhf lab --help                    # RLHF, DPO, best-of-n, GRPO side by side; over-optimisation
rldojo gtp --engine mcts                  # a Go program over GTP (rldojo gtp --help: GoGui, Sabaki, GNU Go)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def parse_key_values(pairs: list[str] | None, what: str) -> dict:
    """``["layout=classic", "slip_prob=0.1"]`` -> ``{"layout": "classic", "slip_prob": 0.1}``.

    Values are read as JSON when they parse, else kept as strings.
    """
    result = {}
    for pair in pairs or []:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"rldojo: {what} must look like key=value, got {pair!r}")
        try:
            result[key] = json.loads(raw)
        except json.JSONDecodeError:
            result[key] = raw
    return result


def make_env(env_id: str, env_kwargs: dict, render_mode: str | None = None):
    import gymnasium as gym

    if render_mode is not None:
        env_kwargs = {**env_kwargs, "render_mode": render_mode}
    try:
        return gym.make(env_id, **env_kwargs)
    except gym.error.Error as error:
        raise SystemExit(f"rldojo: cannot make {env_id}: {error}") from error


def cmd_train(args) -> int:
    from rldojo.baselines import Agent, defaults, make_agent
    from rldojo.baselines.evaluation import plot_learning_curve
    from rldojo.baselines.logging import write_episodes_csv

    env_kwargs = parse_key_values(args.env_kwarg, "--env-kwarg")
    hyperparameters = {**defaults(args.env_id, args.agent), **parse_key_values(args.hp, "--hp")}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = make_env(args.env_id, env_kwargs)
    agent = make_agent(args.agent, env, seed=args.seed, monitor_dir=str(out), **hyperparameters)
    agent.learn(args.timesteps, progress_bar=not args.no_progress)

    # rldojo agents write a torch checkpoint, SB3's a zip; both have the episode log's rows.
    model_path = agent.save(out / ("model.pt" if isinstance(agent, Agent) else "model.zip"))
    rows = list(agent.episodes.rows)
    write_episodes_csv(rows, out / "curve.csv")
    written = [model_path, out / "curve.csv"]
    if rows:
        written.append(plot_learning_curve(rows, out / "curve.png", title=f"{args.agent} on {args.env_id}"))
    unwrapped = env.unwrapped
    if hasattr(unwrapped, "render_best_moves"):
        from rldojo.envs.rendering import import_pygame

        picture = unwrapped.render_best_moves(agent)
        pygame = import_pygame()
        surface = pygame.surfarray.make_surface(picture.swapaxes(0, 1))
        pygame.image.save(surface, str(out / "best_moves.png"))
        written.append(out / "best_moves.png")
        won_all, win_rate = unwrapped.check_win_all(agent)
        print(f"win from every cell: {won_all} (win rate {win_rate:.1%})")
    env.close()
    for path in written:
        print(f"wrote {path}")
    return 0


def cmd_evaluate(args) -> int:
    from rldojo.baselines import evaluate, load_agent

    env = make_env(args.env_id, parse_key_values(args.env_kwarg, "--env-kwarg"))
    try:
        agent = load_agent(args.agent, env=env)
    except (ValueError, FileNotFoundError) as error:
        raise SystemExit(f"rldojo: {error}") from error
    if args.sgf_dir:
        from rldojo.envs.go.evaluation import SgfRecorder

        if not args.env_id.startswith("Go-v"):
            raise SystemExit(f"rldojo: --sgf-dir records Go games; {args.env_id} is not Go")
        env = SgfRecorder(env, args.sgf_dir, agent_name=Path(args.agent).name)
    result = evaluate(agent, env, n_episodes=args.episodes, seed=args.seed)
    print(f"episodes: {args.episodes}")
    print(f"mean return: {result.mean_return:.3f} +/- {result.std_return:.3f}")
    print(f"mean length: {result.mean_length:.1f}")
    if result.win_rate is not None:
        print(f"win rate: {result.win_rate:.1%}")
    unwrapped = env.unwrapped
    if hasattr(unwrapped, "check_win_all"):
        won_all, win_rate = unwrapped.check_win_all(agent)
        print(f"win from every cell: {won_all} ({win_rate:.1%} of cells)")
    env.close()
    return 0


# Arrow keys to Maze-v0 actions: 0 left, 1 right, 2 up, 3 down.
MAZE_KEYS = {"left": 0, "right": 1, "up": 2, "down": 3}


def play_maze_by_hand(env) -> None:
    """A person plays Maze-v0 with the arrow keys; R restarts, Esc or closing the window quits."""
    from rldojo.envs.rendering import import_pygame

    pygame = import_pygame()
    keys = {
        pygame.K_LEFT: MAZE_KEYS["left"],
        pygame.K_RIGHT: MAZE_KEYS["right"],
        pygame.K_UP: MAZE_KEYS["up"],
        pygame.K_DOWN: MAZE_KEYS["down"],
    }
    env.reset()
    env.render()
    total = 0.0
    while True:
        event = pygame.event.wait()
        if event.type == pygame.QUIT or (event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE):
            return
        if event.type != pygame.KEYDOWN:
            continue
        if event.key == pygame.K_r:
            env.reset()
            total = 0.0
        elif event.key in keys:
            _, reward, terminated, truncated, info = env.step(keys[event.key])
            total += reward
            if terminated or truncated:
                print(f"{info.get('status', 'done')}: return {total:.2f}. Press R to play again, Esc to quit.")
        env.render()


def watch_agent(env, agent, episodes: int) -> None:
    from rldojo.envs.common import action_mask, policy_action

    for _ in range(episodes):
        obs, info = env.reset()
        done, total = False, 0.0
        while not done:
            action = policy_action(agent, obs, action_mask(env, info), deterministic=True)
            obs, reward, terminated, truncated, info = env.step(action)
            total += reward
            done = terminated or truncated
        print(f"return {total:.2f} {info.get('status', '')}")


def cmd_play(args) -> int:
    from rldojo.baselines import load_agent

    env_kwargs = parse_key_values(args.env_kwarg, "--env-kwarg")
    if args.env_id.startswith("Go-v"):
        from rldojo.envs.go.play import DEFAULT_SGF_DIR, play_human

        # Go options here: board_size, komi, human_color ("black" or "white"), sgf_dir (null: no records).
        agent = None
        if args.agent:
            board = {k: env_kwargs[k] for k in ("board_size", "komi") if k in env_kwargs}
            agent = load_agent(args.agent, env=make_env(args.env_id, board))
        play_human(agent=agent, opponent=args.opponent or "gnugo", **{"sgf_dir": DEFAULT_SGF_DIR, **env_kwargs})
        return 0
    agent = load_agent(args.agent) if args.agent else None
    env = make_env(args.env_id, env_kwargs, render_mode="human")
    try:
        if agent is not None:
            watch_agent(env, agent, args.episodes)
        elif args.env_id.startswith("Maze-v"):
            play_maze_by_hand(env)
        else:
            raise SystemExit(f"rldojo: a person can play Maze-v0 and Go-v0 here; for {args.env_id} pass --agent PATH")
    finally:
        env.close()
    return 0


def cmd_bench(args, rest: list[str]) -> int:
    from rldojo.bench import main as bench_main

    return bench_main(rest, prog="rldojo bench") or 0


def cmd_rlhf(rest: list[str]) -> int:
    if rest and rest[0] == "lab":  # rldojo rlhf lab: the preference-learning lab (rldojo.bench.rlhf_lab)
        from rldojo.bench.rlhf_lab import main as lab_main

        return lab_main(rest[1:]) or 0
    from rldojo.baselines.rlhf import main as rlhf_main

    return rlhf_main(rest) or 0


def cmd_gtp(rest: list[str]) -> int:
    from rldojo.gtp.command import main as gtp_main

    return gtp_main(rest, prog="rldojo gtp") or 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rldojo", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def env_options(p):
        p.add_argument("env_id", help="a registered env id, e.g. Maze-v0")
        p.add_argument(
            "-e",
            "--env-kwarg",
            action="append",
            metavar="KEY=VALUE",
            help="an env option, e.g. -e layout=classic (repeatable; values parse as JSON)",
        )

    train = sub.add_parser("train", help="train an agent and save it with its learning curve")
    env_options(train)
    train.add_argument("--agent", required=True, help="a make_agent name: dqn, qlearning, ppo, sb3-dqn, ...")
    train.add_argument("--timesteps", type=int, default=20_000)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--out", required=True, help="folder for model, curve.csv, curve.png (and best_moves.png)")
    train.add_argument("--hp", action="append", metavar="KEY=VALUE", help="a hyperparameter over the defaults")
    train.add_argument("--no-progress", action="store_true", help="no progress bar")

    ev = sub.add_parser("evaluate", help="evaluate a saved agent")
    env_options(ev)
    ev.add_argument("--agent", required=True, help="a checkpoint: model.pt (rldojo) or model.zip (SB3)")
    ev.add_argument("--episodes", type=int, default=20)
    ev.add_argument("--seed", type=int, default=0)
    ev.add_argument("--sgf-dir", metavar="DIR", help="Go: save every game as SGF in DIR (e.g. -e opponent=gnugo)")

    play = sub.add_parser("play", help="play in a pygame window, or watch a saved agent")
    env_options(play)
    play.add_argument("--agent", help="a checkpoint to watch (or, for Go, to play against)")
    play.add_argument("--opponent", help="Go: the opponent a person plays, e.g. gnugo")
    play.add_argument("--episodes", type=int, default=3)

    sub.add_parser("bench", help="run the benchmark (rldojo bench --help for its options)", add_help=False)
    sub.add_parser("rlhf", help="the miniature RLHF pipeline on ChatbotFeedback-v0", add_help=False)
    sub.add_parser("gtp", help="a Go program over GTP: GoGui, Sabaki, referees (rldojo gtp --help)", add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "gtp":  # before torch: a GTP engine starts fast when its player needs no torch
        return cmd_gtp(argv[1:])
    import torch

    # More threads only slow these small networks down on a laptop-sized CPU.
    torch.set_num_threads(1)
    if argv and argv[0] == "bench":
        return cmd_bench(None, argv[1:])
    if argv and argv[0] == "rlhf":
        return cmd_rlhf(argv[1:])
    args = build_parser().parse_args(argv)
    return {"train": cmd_train, "evaluate": cmd_evaluate, "play": cmd_play}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
