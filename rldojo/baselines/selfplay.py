"""SARSA self-play for Go: two learners, black and white, trained at once against each other.

The course's two-player cycle
-----------------------------
In Go the position a player sees next is not the result of its own move: the opponent
answers first. So each learner's experience is the cycle
(state, action, reward, opponent's state, opponent's action): black sees s, plays a,
white replies, and only then does black see its next state s' and choose a'. Black's
update is the SARSA one on that pair::

    Q_black(s, a) <- Q_black(s, a) + alpha * (r + gamma * Q_black(s', a') - Q_black(s, a))

and white's is the same on its own positions. Both learn from the same games (the AEC
env of :mod:`rldojo.envs.go.aec`), each one the other's moving target, as the course
suggests: "train two AIs at the same time, one for black, one for white".

Function approximation: linear, over sparse binary features of (position, move)
---------------------------------------------------------------------------------
``Q(s, a) = sum of the weights of the features that are on for move a in position s``.
We chose a linear model over hand-made features rather than a small CNN because:

- SARSA is on-policy and bootstraps from its own noisy estimates; with a linear model
  over binary features the update is stable and needs no replay buffer nor target net.
- It learns from a few thousand games in seconds on one CPU core (a CNN needs far more
  games before it beats even a greedy player), which keeps the tests and benchmark short.
- The features say things a Go player would say, and the weights can be read afterwards.

The features of a stone move are: the 3x3 pattern around the point from the mover's side
(each neighbour empty, own, opponent or off the board: 4^8 patterns), the point's place up
to the board's symmetries, stones captured, liberties of the chain after the move, stones
rescued from atari, opponent chains put in atari, whether it fills its own eye, and the
distance to the opponent's last move, and whose sphere of influence the point lies in
(a sum of 1 / (1 + distance) over nearby stones, five levels) crossed with those liberties.
The pass has its own features: the current Tromp-Taylor score from the mover's side
crossed with how full the board is. A pass right after the opponent's pass ends the game,
so its value is not learned but read from the rules: the final score it would give.

Those features only see the neighbourhood of the move. On top of them (``shape_window``,
3 by default) every move also turns on the *whole-board shapes of the position after it*:
each 1x1, 2x2 and 3x3 window of that position, both where it is and wherever it is, tied
under the board's symmetries (:mod:`rldojo.baselines.go_shapes`, after Silver, Sutton and
Mueller's RLGO). So ``Q(s, a)`` is partly a value of the afterstate, and it can tell a
move that builds territory or kills a group from one that merely looks alike locally.
On 5x5 it lifted the win rate against the greedy opponent from 71.8% (five seeds, 20,000
moves, move features alone) to 87.5% at the same budget and 99.6% after 200,000 moves.

The learners choose among the moves that are not plainly bad: filling one's own eye,
self-atari that captures nothing, and a pass that does not end the game are left out
while anything else is legal (Go programs prune the same moves in their playouts).
Without this, the learners spent their first thousands of games finding out that
passing early and filling their own eyes lose, and the linear model never quite did.
Each learner (black, white) has its own weights.

The update
----------
For each learner on its own moves, w its weights and φ(s, a) the features that are on
for move a in position s (its local features, then the shapes of the position after it)::

    Q(s, a) = Σ_i x_i · w_i              x_i: how many times feature i is on (a shape can be on many times)
    y       = r + γ · Q(s', a')          after the learner's next move
    y       = (1 − κ) · z + κ · m        after its last move
    w       ← w + α · (y − Q(s, a)) · x / |x|²

This is normalised least mean squares: each step moves Q(s, a) a fraction α of the way to
y, whatever the number of features, so it is stable for any 0 < α < 2 on every board
size. (Dividing by the number of features instead, as before 2026-12-02, over-stepped by
the shapes' multiplicity: on 9x9 the weights grew to 1e12 within a few thousand moves.)

s' is the learner's next position, after the opponent's reply, and a' its ε-greedy move
there; r is 0 until the game ends. At the end, z is the result (+1, −1 or 0), m the final
Tromp–Taylor margin from the learner's side divided by N·N, and κ is ``score_weight``. α
falls linearly from ``learning_rate`` to ``learning_rate_end`` over the budget; ε from
``epsilon_start`` to ``epsilon_end`` over ``exploration_fraction`` of it. A pass that ends
the game is not learned: its value is exact.

- ``GoFeatures.of_move``: the local features of a move; ``BoardShapes.of_positions``: the shapes.
- ``SelfPlaySarsa._q_values``: Q(s, a) of every candidate move.
- ``SelfPlaySarsa._choose``: the candidates and the ε-greedy choice, a' and Q(s', a').
- ``SelfPlaySarsa._final_value``: the exact value of a game-ending pass.
- ``SelfPlaySarsa._learn``: y at every move and at the end of the game, and the schedules of α and ε.
- ``SelfPlaySarsa._update``: the step on w.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np

from rldojo.baselines.agent import Agent, Integer, Number, TrainingRun, hyperparameter
from rldojo.baselines.go_shapes import MAX_WINDOW, BoardShapes
from rldojo.baselines.nets import env_name
from rldojo.envs.go.board import BLACK, WHITE, GoBoard, board_from_planes
from rldojo.envs.go.env import GoEnv
from rldojo.envs.go.opponents import move_effects

# Sizes of the feature blocks; their offsets are computed per board size.
N_PATTERN = 4**8
N_LIBERTY_PATTERN = 8**4
N_CAPTURE = 4
N_LIBERTIES = 4
N_RESCUE = 3
N_ATARI = 3
N_EYE = 1
N_DISTANCE = 4
N_PASS = 2 * 7 * 4
N_BIAS = 2
N_INFLUENCE = 5 * 4


class GoFeatures:
    """The sparse features of moves on a ``size`` board (see the module docstring)."""

    def __init__(self, size: int):
        self.size = size
        n = size * size
        self.pass_action = n
        # 8 neighbours per point (clockwise from the top-left), -1 off the board.
        ring = []
        for p in range(n):
            r, c = divmod(p, size)
            row = []
            for dr, dc in ((-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1)):
                rr, cc = r + dr, c + dc
                row.append(rr * size + cc if 0 <= rr < size and 0 <= cc < size else -1)
            ring.append(tuple(row))
        self.ring = tuple(ring)
        self.cross = tuple((r[1], r[3], r[5], r[7]) for r in ring)  # up, right, down, left
        # The point's class up to the 8 symmetries of the board.
        classes = []
        for p in range(n):
            r, c = divmod(p, size)
            a, b = sorted((min(r, size - 1 - r), min(c, size - 1 - c)))
            classes.append(a * size + b)
        offset = 0
        self.o_pattern = offset
        offset += N_PATTERN
        self.o_liberty_pattern = offset
        offset += N_LIBERTY_PATTERN
        self.o_place = offset
        offset += n
        self.o_capture = offset
        offset += N_CAPTURE
        self.o_liberties = offset
        offset += N_LIBERTIES
        self.o_rescue = offset
        offset += N_RESCUE
        self.o_atari = offset
        offset += N_ATARI
        self.o_eye = offset
        offset += N_EYE
        self.o_distance = offset
        offset += N_DISTANCE
        self.o_pass = offset
        offset += N_PASS
        self.o_bias = offset
        offset += N_BIAS
        self.o_influence = offset
        offset += N_INFLUENCE
        self.size_total = offset
        self.place = [self.o_place + k for k in classes]
        self.rc = [divmod(p, size) for p in range(n)]
        # Influence kernel: a stone counts 1 / (1 + distance) on points up to 3 steps away.
        rr, cc = np.divmod(np.arange(n), size)
        distance = np.abs(rr[:, None] - rr[None, :]) + np.abs(cc[:, None] - cc[None, :])
        self.kernel = np.where(distance <= 3, 1.0 / (1.0 + distance), 0.0)

    def of_move(
        self,
        board: GoBoard,
        point: int,
        last_rc: tuple[int, int] | None,
        score_bucket: int,
        influence: list[int] | None = None,
    ) -> list[int]:
        """The indices of the features that are on for the side to move playing ``point``."""
        if point == self.pass_action:
            opponent_passed = 1 if board.consecutive_passes else 0
            # How full the board is (4 stages), so that passing early and late differ.
            stage = min(3, 4 * board.num_stones // board.num_points)
            return [self.o_pass + (opponent_passed * 7 + score_bucket) * 4 + stage, self.o_bias + 1]
        color = board.to_play
        stones = board.points
        code = 0
        for q in self.ring[point]:
            code *= 4
            if q < 0:
                code += 3
            else:
                v = stones[q]
                if v:
                    code += 1 if v == color else 2
        taken, liberties, rescued, eye = move_effects(board, point)
        # Opponent chains whose last-but-one liberty this is (and that are not captured).
        atari = 0
        chain_of = board.chain_of
        counted = []
        # The 4 neighbours again, now with the liberties of their chains (1, 2, 3+).
        code4 = 0
        for q in self.cross[point]:
            code4 *= 8
            if q < 0:
                code4 += 7
                continue
            v = stones[q]
            if v:
                chain = chain_of[q]
                libs = len(chain.liberties)
                code4 += (0 if v == color else 3) + (libs if libs < 3 else 3)
                if v != color and libs == 2 and chain not in counted:
                    counted.append(chain)
                    atari += 1
        features = [
            self.o_pattern + code,
            self.o_liberty_pattern + code4,
            self.place[point],
            self.o_capture + min(taken, 3),
            self.o_liberties + min(liberties, 4) - 1 if liberties else self.o_liberties,
            self.o_rescue + min(rescued, 2),
            self.o_atari + min(atari, 2),
            self.o_bias,
        ]
        if eye:
            features.append(self.o_eye)
        if influence is not None:
            # Whose sphere the point is in (5 levels) crossed with the new chain's liberties.
            features.append(self.o_influence + influence[point] * 4 + (min(liberties, 4) - 1 if liberties else 0))
        if last_rc is not None:
            r, c = self.rc[point]
            d = abs(r - last_rc[0]) + abs(c - last_rc[1])
            features.append(self.o_distance + min(d, 4) - 1)
        else:
            features.append(self.o_distance + 3)
        return features

    def is_calm(self, features: list[int] | None) -> bool:
        """Whether a stone move captures, or neither fills its own eye nor puts itself in atari."""
        if features is None:
            return False
        return features[3] != self.o_capture or (features[4] != self.o_liberties and self.o_eye not in features)

    def influence(self, board: GoBoard) -> list[int]:
        """Each point's influence bucket from the side to move: 0 the opponent's sphere ... 4 its own."""
        grid = board.flat_grid
        me = board.to_play
        signed = (grid == me).astype(np.float64) - (grid == 3 - me).astype(np.float64)
        values = self.kernel @ signed
        return np.digitize(values, (-1.0, -0.3, 0.3, 1.0)).tolist()

    def context(self, board: GoBoard):
        """What the move features share in one position: the last move's (row, col), the score bucket, the influence."""
        last = board.last_move
        last_rc = self.rc[last] if last is not None and last < self.pass_action else None
        score = board.score()
        if board.to_play == WHITE:
            score = -score
        # Score from the mover's side, in 7 buckets: <= -10, <-3, <0, 0, <=3, <=10, >10.
        if score == 0:
            bucket = 3
        elif score < 0:
            bucket = 0 if score <= -10 else 1 if score < -3 else 2
        else:
            bucket = 4 if score <= 3 else 5 if score <= 10 else 6
        return last_rc, bucket, self.influence(board)


class SelfPlaySarsa(Agent):
    """SARSA self-play on Go with linear function approximation (see the module docstring).

    :param env: a Go-v0 env (or its id); training happens in the AEC env of the same size,
        komi and ko rule, and ``predict`` answers for the side to move of a Go-v0 observation
    """

    name = "selfplay-sarsa"

    @dataclasses.dataclass
    class Config:
        learning_rate: float = hyperparameter(
            0.3, Number(0, 2, low_open=True, high_open=True)
        )  # step size at the start: the fraction of the error each update corrects (normalised LMS)
        learning_rate_end: float = hyperparameter(
            0.1, Number(0, 2, high_open=True)
        )  # step size at the end of training (linear decay)
        gamma: float = hyperparameter(
            0.9, Number(0, 1)
        )  # discount: below 1 it prefers winning sooner and damps the noise of long games
        epsilon_start: float = hyperparameter(0.3, Number(0, 1))  # exploration at the start of training
        epsilon_end: float = hyperparameter(0.05, Number(0, 1))  # exploration after the decay
        exploration_fraction: float = hyperparameter(
            0.6, Number(0, 1, low_open=True)
        )  # fraction of the budget over which epsilon decays linearly
        score_weight: float = hyperparameter(
            0.5, Number(0, 1)
        )  # final reward = (1 - w) * (+1/-1/0 result) + w * (score margin / N*N)
        shape_window: int = hyperparameter(
            3, Integer(0, MAX_WINDOW)
        )  # whole-board shapes of the position after the move, windows up to this side; 0: none

    def _setup(self) -> None:
        base = getattr(self.env, "unwrapped", self.env)
        if not isinstance(base, GoEnv):
            raise ValueError(f"SelfPlaySarsa (selfplay-sarsa) cannot play {env_name(self.env)}: it needs a Go-v0 env")
        self.board_size = int(base.board_size)
        self.komi = float(base.komi)
        self.ko_rule = str(base.ko_rule)
        self.features = GoFeatures(self.board_size)
        window = int(self.config.shape_window)
        if not 0 <= window <= min(MAX_WINDOW, self.board_size):
            raise ValueError(
                f"shape_window must be from 0 to {min(MAX_WINDOW, self.board_size)} on a "
                f"{self.board_size}x{self.board_size} board, got {window}"
            )
        self.shapes = BoardShapes(self.board_size, window, offset=self.features.size_total) if window else None
        size = self.shapes.end if self.shapes else self.features.size_total
        # Two learners, each its own weights: weights[BLACK], weights[WHITE].
        self.weights = {BLACK: np.zeros(size, dtype=np.float64), WHITE: np.zeros(size, dtype=np.float64)}
        self.epsilon = self.config.epsilon_start
        self._alpha = self.config.learning_rate

    # ------------------------------------------------------------------ acting

    def _final_value(self, board: GoBoard, color: int) -> float:
        """The exact return of ending the game now, for ``color``: what the rules say, not a guess."""
        margin = board.score() / board.num_points
        if color == WHITE:
            margin = -margin
        result = 0.0 if margin == 0 else (1.0 if margin > 0 else -1.0)
        w = self.config.score_weight
        return (1 - w) * result + w * margin

    def _after(self, board: GoBoard, actions: list[int]) -> np.ndarray:
        """The positions after each of ``actions`` (stones or a pass), from the mover's side:
        (len(actions), N*N) with 0 empty, 1 the mover's stone, 2 the opponent's."""
        color = board.to_play
        flat = board.flat_grid.astype(np.int64)
        if color == WHITE:
            flat = np.where(flat == 0, 0, 3 - flat)
        after = np.repeat(flat[None, :], len(actions), axis=0)
        row_of = {a: i for i, a in enumerate(actions) if a != self.features.pass_action}
        after[list(row_of.values()), list(row_of)] = 1
        for chain in board.atari[3 - color]:  # a stone on a chain's last liberty takes it
            i = row_of.get(next(iter(chain.liberties)))
            if i is not None:
                after[i, chain.stones] = 0
        return after

    def _q_values(self, board: GoBoard, color: int, moves: list[tuple[int, list[int]]]):
        """Q of each of ``moves`` (given with their move features), and the shape features of
        the position after each (None without ``shape_window``). Vectorised over the moves:
        this runs for every candidate of every move played."""
        weights = self.weights[color]
        lengths = [len(f) for _, f in moves]
        local = np.fromiter(itertools.chain.from_iterable(f for _, f in moves), dtype=np.int64, count=sum(lengths))
        q = np.add.reduceat(weights[local], np.cumsum([0, *lengths[:-1]]))
        if self.shapes is None:
            return q, None
        shapes = self.shapes.of_positions(self._after(board, [a for a, _ in moves]))
        return q + weights[shapes].sum(axis=1), shapes

    def _choose(self, board: GoBoard, mask: np.ndarray, epsilon: float, rng: np.random.Generator):
        """Epsilon-greedy over the legal moves only; returns (action, its features, its Q).

        The candidates are the legal moves that are not plainly bad: a stone move that
        fills one's own eye, or that leaves its chain in atari without capturing, is
        dropped; the pass is kept only when it ends the game (the opponent has just
        passed; its value is then exact, from the score, and it has no features to learn).
        When no stone move is left, every legal move is a candidate.
        """
        legal = mask.nonzero()[0].tolist()
        color = board.to_play
        context = self.features.context(board)
        pass_action = self.features.pass_action
        ending = board.consecutive_passes == 1 and pass_action in legal
        moves = [(a, self.features.of_move(board, a, *context)) for a in legal if a != pass_action]
        to_score = [(a, f) for a, f in moves if self.features.is_calm(f)]
        if not to_score:  # nothing good left: every legal move, the pass included
            to_score = moves
            if pass_action in legal and not ending:
                to_score = [*moves, (pass_action, self.features.of_move(board, pass_action, *context))]
        q, shapes = self._q_values(board, color, to_score) if to_score else (np.empty(0), None)
        values = q.tolist() + ([self._final_value(board, color)] if ending else [])
        if epsilon > 0 and rng.random() < epsilon:
            i = int(rng.integers(len(values)))
        else:
            best = max(values)
            ties = [i for i, v in enumerate(values) if v >= best - 1e-12]
            i = ties[int(rng.integers(len(ties)))] if len(ties) > 1 else ties[0]
        if i == len(to_score):  # the game-ending pass
            return pass_action, None, values[i]
        action, f = to_score[i]
        # Only the chosen move's features are put together: they are what the update needs.
        features = np.asarray(f) if shapes is None else np.concatenate([f, shapes[i]])
        return action, features, values[i]

    # ------------------------------------------------------------------ learning

    def _update(self, color: int, features: list[int] | None, q: float, target: float) -> None:
        """The SARSA step for one learner on the features of its (s, a)."""
        if features is None:
            return  # a game-ending pass: its value is exact
        # Normalised LMS (see the module docstring): |x|^2 is the sum of the squared counts.
        _, counts = np.unique(features, return_counts=True)
        step = self._alpha / float(np.dot(counts, counts))
        np.add.at(self.weights[color], features, step * (target - q))

    def _learn(self, total_timesteps: int, run: TrainingRun) -> None:
        from rldojo.envs.go.aec import raw_env

        cfg = self.config
        env = raw_env(board_size=self.board_size, komi=self.komi, ko_rule=self.ko_rule)
        env.reset(seed=None if self.seed is None else int(self.seed) + self.num_timesteps)
        board = env.board
        # Schedules run over the whole budget; a learn call that continues an earlier one
        # (reset_num_timesteps=False) continues them, as stable-baselines3 does.
        budget = max(1, run.start_timesteps + total_timesteps)
        decay_steps = max(1, int(cfg.exploration_fraction * budget))
        keep_going = True
        while keep_going:
            env.reset()
            # pending[color] = (features, Q) of that learner's last (s, a), waiting for s', a'.
            pending: dict[int, tuple[list[int], float]] = {}
            while True:
                agent = env.agent_selection
                color = BLACK if agent == "black" else WHITE
                _, reward, termination, truncation, _info = env.last(observe=False)
                if termination or truncation:
                    # The game is over: each learner's last move is judged by the result.
                    margin = env.board.score() / env.board.num_points  # black's side, komi included
                    for c, name in ((BLACK, "black"), (WHITE, "white")):
                        if c in pending:
                            f, q = pending.pop(c)
                            side = margin if c == BLACK else -margin
                            target = (1 - cfg.score_weight) * float(env.rewards[name]) + cfg.score_weight * side
                            self._update(c, f, q, target)
                    break
                fraction = min(1.0, self.num_timesteps / decay_steps)
                self.epsilon = cfg.epsilon_start + fraction * (cfg.epsilon_end - cfg.epsilon_start)
                run.epsilon = self.epsilon
                self._alpha = cfg.learning_rate + min(1.0, self.num_timesteps / budget) * (
                    cfg.learning_rate_end - cfg.learning_rate
                )
                action, f, q = self._choose(board, board.legal_mask_view(), self.epsilon, self.rng)
                if color in pending:
                    # s' is the position after the opponent's reply; a' is the move chosen in it.
                    f_prev, q_prev = pending[color]
                    self._update(color, f_prev, q_prev, reward + cfg.gamma * q)
                pending[color] = (f, q)
                env.step(action)
                over = bool(env.terminations["black"])
                black_reward = float(env.rewards["black"]) if over else 0.0
                # The episode log records games from black's side: a "win" is black's.
                step_info = (
                    {"is_success": env.rewards["black"] > 0, "winner": env.infos["black"].get("winner")} if over else {}
                )
                keep_going = run.step(black_reward, over, False, step_info)
                if not keep_going and not over:
                    break
            if not keep_going:
                break

    # ------------------------------------------------------------------ predicting

    def _predict(self, obs: np.ndarray, deterministic: bool, masks: np.ndarray | None) -> np.ndarray:
        actions = []
        for i, planes in enumerate(obs):
            board = board_from_planes(planes, komi=self.komi, ko_rule=self.ko_rule)
            if masks is not None:
                mask = masks[i].astype(np.int8)
            else:
                mask = np.append(planes[3].reshape(-1) > 0.5, True).astype(np.int8)
            epsilon = 0.0 if deterministic else self.config.epsilon_end
            action, _, _ = self._choose(board, mask, epsilon, self.rng)
            actions.append(action)
        return np.asarray(actions, dtype=np.int64)

    def act(self, board: GoBoard, deterministic: bool = True) -> int:
        """The move for the side to move of a live board (history-aware legality); an opponent callable."""
        epsilon = 0.0 if deterministic else self.config.epsilon_end
        return int(self._choose(board, board.legal_mask_view(), epsilon, self.rng)[0])

    # ------------------------------------------------------------------ checkpoints

    def _state_dict(self) -> dict:
        return {
            "black": self.weights[BLACK].copy(),
            "white": self.weights[WHITE].copy(),
            "board_size": self.board_size,
            "epsilon": float(self.epsilon),
        }

    def _load_state_dict(self, state: dict) -> None:
        if int(state["board_size"]) != self.board_size:
            raise ValueError(
                f"the checkpoint is for a {state['board_size']}x{state['board_size']} board, "
                f"the env is {self.board_size}x{self.board_size}"
            )
        for color, key in ((BLACK, "black"), (WHITE, "white")):
            w = np.asarray(state[key], dtype=np.float64)
            if w.shape != self.weights[color].shape:
                raise ValueError(f"{key} weights have shape {w.shape}, expected {self.weights[color].shape}")
            self.weights[color] = w
        self.epsilon = float(state["epsilon"])
