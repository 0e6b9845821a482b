"""Make the documentation site's pictures of every environment, with the envs' own ``rgb_array`` renderers.

Run from the repository's root::

    python docs/scripts/make_media.py                      # every picture, into docs/img/envs/
    python docs/scripts/make_media.py --only maze,go       # some of them
    python docs/scripts/make_media.py --sheets /tmp/sheets # also a contact sheet per GIF, to look at

Each picture is one function below: it trains a small agent for a few seconds where one is
needed, plays it with fixed seeds and writes a GIF (``<name>.gif``) and a still for the
galleries (``<name>.png``, 256 pixels high). Re-running gives the same pictures. ``go``
needs GNU Go (``apt-get install gnugo``). Headless: ``SDL_VIDEODRIVER`` defaults to ``dummy``.
"""

from __future__ import annotations

import argparse
import io
import os
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
# One BLAS thread: the agents' small matrices train several times faster than with a pool of
# threads fighting over the cores, and the sums come out the same whatever the machine's core count.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import gymnasium as gym
import numpy as np
import torch
from PIL import Image, ImageSequence

import rldojo  # noqa: F401  (registers the env ids)
from rldojo.baselines import defaults, make_agent
from rldojo.baselines.hyperparams.chatbot import text_defaults
from rldojo.baselines.logging import FunctionCallback
from rldojo.envs.go.board import WHITE, GoBoard
from rldojo.envs.go.opponents import GnuGoOpponent

OUT = Path(__file__).resolve().parents[1] / "img" / "envs"
STILL_HEIGHT = 256  # the gallery stills' height in pixels
MAX_GIF_BYTES = 300_000  # a GIF above this is scaled down until it fits
Frame = np.ndarray  # (height, width, 3) uint8, as env.render() returns it


# --------------------------------------------------------------------------- writing pictures


def _palette(images: list[Image.Image]) -> Image.Image:
    """One adaptive 256-colour palette for a whole GIF (from up to 16 of its frames), so colours do not flicker."""
    picks = [images[i] for i in np.linspace(0, len(images) - 1, min(16, len(images))).round().astype(int)]
    width = max(im.width for im in picks)
    strip = Image.new("RGB", (width, sum(im.height for im in picks)))
    y = 0
    for im in picks:
        strip.paste(im, (0, y))
        y += im.height
    return strip.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def _gif_bytes(frames: list[Frame], durations: list[int], scale: float) -> bytes:
    images = [Image.fromarray(frame) for frame in frames]
    if scale < 1.0:
        size = (round(images[0].width * scale), round(images[0].height * scale))
        images = [im.resize(size, Image.Resampling.LANCZOS) for im in images]
    palette = _palette(images)
    quantized = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
    buffer = io.BytesIO()
    quantized[0].save(
        buffer, format="GIF", save_all=True, append_images=quantized[1:], duration=durations, loop=0, optimize=True
    )
    return buffer.getvalue()


def save_gif(name: str, frames: list[Frame], durations: list[int], sheets: Path | None) -> None:
    """Write ``<name>.gif``, looping forever, ``durations[i]`` ms per frame; scaled down while above the limit."""
    if len(frames) != len(durations):
        raise ValueError(f"{name}: {len(frames)} frames but {len(durations)} durations")
    scale = 1.0
    data = _gif_bytes(frames, durations, scale)
    while len(data) > MAX_GIF_BYTES and scale > 0.4:
        scale *= 0.85
        data = _gif_bytes(frames, durations, scale)
    (OUT / f"{name}.gif").write_bytes(data)
    if sheets is not None:  # from the GIF as written, to see what a reader will see
        with Image.open(io.BytesIO(data)) as gif:
            decoded = [np.asarray(im.convert("RGB")) for im in ImageSequence.Iterator(gif)]
        save_contact_sheet(sheets / f"{name}-sheet.png", decoded)


def save_still(name: str, frame: Frame) -> None:
    """Write ``<name>.png``, ``frame`` scaled to the galleries' height."""
    image = Image.fromarray(frame)
    if image.height != STILL_HEIGHT:
        width = round(image.width * STILL_HEIGHT / image.height)
        image = image.resize((width, STILL_HEIGHT), Image.Resampling.LANCZOS)
    image.save(OUT / f"{name}.png", optimize=True)


def save_contact_sheet(path: Path, frames: list[Frame], n: int = 6, columns: int = 3) -> None:
    """``n`` frames spread over the GIF (the first and the last included), tiled, for a person to look at."""
    picks = [frames[i] for i in np.linspace(0, len(frames) - 1, min(n, len(frames))).round().astype(int)]
    h, w = max(f.shape[0] for f in picks), max(f.shape[1] for f in picks)
    rows = -(-len(picks) // columns)
    sheet = np.full((rows * (h + 4), columns * (w + 4), 3), 255, dtype=np.uint8)
    for i, frame in enumerate(picks):
        r, c = divmod(i, columns)
        sheet[r * (h + 4) : r * (h + 4) + frame.shape[0], c * (w + 4) : c * (w + 4) + frame.shape[1]] = frame
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(sheet).save(path)


# --------------------------------------------------------------------------- the pictures


def maze(sheets: Path | None) -> None:
    """A Q-learning agent walking the classic 8x8 maze to the exit from three start cells; its best moves."""
    train_env = gym.make("Maze-v0", layout="classic", obs_mode="index", start="random")
    agent = make_agent("qlearning", train_env, seed=0, **defaults("Maze-v0", "qlearning"))
    agent.learn(10_000)
    won_all, _ = train_env.unwrapped.check_win_all(agent)
    if not won_all:
        raise RuntimeError("the maze agent did not learn to win from every cell; train it longer")

    env = gym.make("Maze-v0", layout="classic", obs_mode="index", render_mode="rgb_array")
    frames, durations = [], []
    for start in [(0, 0), (7, 0), (0, 6)]:  # three routes: the longest, down the right side, along the bottom
        obs, _ = env.reset(seed=0, options={"start": start})
        frames.append(env.render())
        durations.append(500)
        done = False
        while not done:
            action, _ = agent.predict(obs, deterministic=True)
            obs, _, terminated, truncated, _ = env.step(action)
            done = terminated or truncated
            frames.append(env.render())
            durations.append(150)
        durations[-1] = 1200  # the agent on the exit
        if start == (0, 0):
            still = frames[len(frames) // 2]  # halfway along the longest route
    save_gif("maze", frames, durations, sheets)
    save_still("maze", still)
    Image.fromarray(env.unwrapped.render_best_moves(agent)).save(OUT / "maze-best-moves.png", optimize=True)
    env.close()


class FilmedGnuGo(GnuGoOpponent):
    """GNU Go that first films the board (the agent's move played), so the GIF has a frame per move."""

    def __init__(self, *args, film: Callable[[], None], **kwargs):
        super().__init__(*args, **kwargs)
        self.film = film

    def __call__(self, board: GoBoard) -> int:
        self.film()
        return super().__call__(board)


def go(sheets: Path | None) -> None:
    """A game on 5x5 Go-v0: a SARSA self-play agent (black) against GNU Go level 1 (white)."""
    agent = make_agent("selfplay-sarsa", gym.make("Go-v0", board_size=5), seed=1, **defaults("Go-v0", "selfplay-sarsa"))
    # 20,000 moves of self-play, 6-10 s. With seed 1 the agent beats GNU Go as black (seed 0's loses every
    # game at this budget); GNU Go is seeded from the env's seed, so the game is the same on every run.
    agent.learn(20_000)

    frames: list[Frame] = []
    white_stones: list[int] = []  # on each frame, to pick the still

    def shoot() -> None:
        frames.append(env.render())
        white_stones.append(int(np.count_nonzero(env.unwrapped.board.grid == WHITE)))

    opponent = FilmedGnuGo(5, 7.5, level=1, film=shoot)
    env = gym.make("Go-v0", board_size=5, agent_color="black", opponent=opponent, render_mode="rgb_array")
    obs, info = env.reset(seed=0)
    shoot()
    done = False
    while not done:
        action, _ = agent.predict(obs, deterministic=True, action_masks=info["action_mask"])
        obs, _, terminated, truncated, info = env.step(action)
        done = terminated or truncated
        shoot()
    env.close()
    durations = [500] * len(frames)
    durations[-1] = 4000  # the scored position
    save_gif("go", frames, durations, sheets)
    save_still("go", frames[int(np.argmax(white_stones))])  # the middle game, with most white stones


def chatbot_feedback(sheets: Path | None) -> None:
    """ChatbotFeedback-v0 with help-desk queries: a PPO chatbot's answers and the noisy rater panel's scores."""
    train_env = gym.make("ChatbotFeedback-v0", queries="text")
    agent = make_agent("ppo", train_env, seed=0, **text_defaults("ppo"))
    agent.learn(6_144)  # about 5 s

    env = gym.make("ChatbotFeedback-v0", queries="text", rater="noisy", render_mode="rgb_array")
    frames, durations = [], []
    obs, info = env.reset(seed=3)
    intents = set()
    while len(intents) < 6:  # six queries of six different intents
        if info["intent"] not in intents:
            intents.add(info["intent"])
            frames.append(env.render())  # the query, the chatbot thinking
            durations.append(900)
            action, _ = agent.predict(obs, deterministic=True)
            env.step(action)
            frames.append(env.render())  # the answer and its score
            durations.append(2600)
        obs, info = env.reset()
    env.close()
    # The chat window keeps its lower half for a person's score buttons; cut the empty part away.
    background = frames[0][-1, -1]
    used = max(int(np.flatnonzero((f != background).any(axis=(1, 2)))[-1]) for f in frames)
    frames = [f[: used + 24] for f in frames]
    save_gif("chatbot-feedback", frames, durations, sheets)
    save_still("chatbot-feedback", frames[-1])


def _card_hands(env_id: str, iterations: int, sheets: Path | None, name: str) -> None:
    """CFR+ against its own policy: two hands that reach a showdown after a bet, one won and one lost.

    The hands are the first such ones from seed 0 on, so the choice is the same on every run.
    """
    agent = make_agent("cfr+", env_id, seed=0)
    agent.learn(iterations)  # iterations over the whole game tree, a second or less
    env = gym.make(env_id, opponent=agent.policy(), seat="random", render_mode="rgb_array")
    frames, durations = [], []
    outcomes = set()
    seed = 0
    while len(outcomes) < 2:
        obs, info = env.reset(seed=seed)
        seed += 1
        hand = [env.render()]
        done = False
        while not done:
            action, _ = agent.predict(obs, deterministic=True, action_masks=info["action_mask"])
            obs, reward, terminated, truncated, info = env.step(action)
            done = terminated or truncated
            hand.append(env.render())
        betting = any(action == 2 for _, action in env.unwrapped.log)  # someone bet or raised
        won = reward > 0
        if info["showdown"] and betting and won not in outcomes:
            outcomes.add(won)
            frames += hand
            durations += [1300] * (len(hand) - 1) + [4000]  # a hold on the cards face up
    env.close()
    save_gif(name, frames, durations, sheets)
    save_still(name, frames[-1])


def kuhn_poker(sheets: Path | None) -> None:
    """Two hands of Kuhn poker to showdown, CFR+ on both sides."""
    _card_hands("KuhnPoker-v0", 200, sheets, "kuhn-poker")


def leduc_holdem(sheets: Path | None) -> None:
    """Two hands of Leduc Hold'em to showdown, CFR+ on both sides."""
    _card_hands("LeducHoldem-v0", 300, sheets, "leduc-holdem")


def bandit(sheets: Path | None) -> None:
    """Bandit-v0's chart over 400 pulls of UCB: every pull at first, then every tenth."""
    env = gym.make("Bandit-v0", k=10, horizon=400, render_mode="rgb_array")
    env.reset(seed=2)
    frames, durations = [], []

    def film(agent) -> None:
        t = agent.num_timesteps
        if t <= 12 or t % 10 == 0:
            frames.append(env.render())
            durations.append(300 if t <= 12 else 150)

    agent = make_agent("bandit-ucb", env, seed=0, **defaults("Bandit-v0", "bandit-ucb"))
    agent.learn(400, callback=FunctionCallback(film))
    env.close()
    durations[-1] = 3000
    save_gif("bandit", frames, durations, sheets)
    save_still("bandit", frames[-1])


def cartpole_pixels(sheets: Path | None) -> None:
    """CartPolePixels-v0: the rendered cart beside the agent's observation, its four stacked frames (newest on top)."""
    env = gym.make("CartPolePixels-v0", render_mode="rgb_array")
    obs, info = env.reset(seed=1)
    frames = [_beside(env.render(), obs)]
    done = False
    while not done:
        # a naive controller reading the hidden physics state: push the way the pole leans. It swings
        # wider and wider and falls after about 50 steps, so the stacked frames show the motion.
        angle = info["state"][2]
        obs, _, terminated, truncated, info = env.step(int(angle > 0))
        done = terminated or truncated
        frames.append(_beside(env.render(), obs))
    env.close()
    durations = [60] * len(frames)
    durations[-1] = 1500
    save_gif("cartpole-pixels", frames, durations, sheets)
    save_still("cartpole-pixels", frames[len(frames) // 2])


def _beside(render: Frame, obs: np.ndarray) -> Frame:
    """The rendered frame, then the observation's channels stacked top to bottom, at the render's height."""
    channels, h, w = obs.shape
    gap = 4
    scale = max(1, (render.shape[0] - gap * (channels - 1)) // (channels * h))
    column = np.full((render.shape[0], w * scale, 3), 255, dtype=np.uint8)
    margin = (render.shape[0] - channels * h * scale - (channels - 1) * gap) // 2
    for i, channel in enumerate(obs):
        tile = np.repeat(np.repeat(channel, scale, axis=0), scale, axis=1)
        top = margin + i * (h * scale + gap)
        column[top : top + h * scale] = tile[..., None]
    return np.concatenate([render, np.full((render.shape[0], 8, 3), 255, np.uint8), column], axis=1)


PICTURES: dict[str, Callable[[Path | None], None]] = {
    "maze": maze,
    "go": go,
    "chatbot-feedback": chatbot_feedback,
    "kuhn-poker": kuhn_poker,
    "leduc-holdem": leduc_holdem,
    "bandit": bandit,
    "cartpole-pixels": cartpole_pixels,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help=f"comma-separated names among {', '.join(PICTURES)}")
    parser.add_argument("--sheets", type=Path, help="also write a contact sheet of each GIF into this folder")
    args = parser.parse_args()
    names = list(PICTURES) if args.only is None else [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = sorted(set(names) - set(PICTURES))
    if unknown:
        parser.error(f"unknown pictures {unknown}; known: {', '.join(PICTURES)}")
    torch.set_num_threads(1)  # small networks: one thread is as fast, and the same on every machine
    OUT.mkdir(parents=True, exist_ok=True)
    for name in names:
        started = time.perf_counter()
        PICTURES[name](args.sheets)
        written = ", ".join(f"{p.name} {p.stat().st_size // 1024} KB" for p in sorted(OUT.glob(f"{name}*")))
        print(f"{name}: {time.perf_counter() - started:.1f} s ({written})")


if __name__ == "__main__":
    main()
