"""Monte Carlo tree search for Go: UCT with RAVE, prior knowledge from SARSA self-play, light rollouts.

The search
----------
Each *simulation* copies the position, walks down the tree choosing moves, adds one
node, finishes the game with a fast *rollout*, scores it by the rules (Tromp–Taylor,
komi included) and sends the result, 1 for a win and 0 for a loss, back up the path.
After the budget (playouts or seconds) the most visited move is played.

At a node whose player is to move, each legal move ``a`` has a value::

    value(a) = (1 − β) · Q(a) + β · Q_amaf(a) + c · sqrt(ln N / n(a))
    β        = sqrt(k / (3 · n(a) + k))

- ``Q(a) = wins(a) / n(a)``: the win rate of the simulations that played ``a`` here;
- ``Q_amaf(a)``: the win rate of every simulation through this node in which the player
  to move played ``a`` *at any later time* (all moves as first, AMAF). It is rough, but it
  has many more samples, so it leads while ``n(a)`` is small and fades as ``n(a)`` grows
  (rapid action value estimation, RAVE; ``k`` is ``rave_equivalence``, the ``n(a)`` at
  which both count the same);
- ``c`` is ``exploration`` (UCT's bonus, small: RAVE does most of the exploring).

Prior knowledge (Gelly and Silver, "Combining online and offline knowledge in UCT",
ICML 2007): a new node starts every move with *virtual* simulations, ``n_prior`` of them
won at rate ``p``, as if they had already been searched:

- a cheap heuristic always: a capture or an escape from atari starts high, filling
  one's own eye and passing start low, anything else at one half (``heuristic_weight``);
- with a learned prior (a SARSA self-play agent, :mod:`rldojo.baselines.selfplay`, the
  offline TD value of RLGO's family) the moves it calls calm start at
  ``p = (Q_sarsa(s, a) + 1) / 2``, with ``prior_weight`` virtual simulations. ``learn``
  trains that agent by self-play; ``prior_path`` loads one saved before.

Leaf evaluation (``leaf``): a rollout (default), the learned prior's value of the new
position (``"prior"``: the best Q of the side to move, as a win rate), or their mean
(``"mixed"``). The rollout policy is light: it takes a chain in atari when it can,
saves its own chain in atari when one move gives it two liberties, and otherwise plays
a random legal move that does not fill its own eye; it passes when nothing is left.

The rollouts run on :class:`~rldojo.envs.go.board.GoBoard` itself, one at a time: the
search needs each result before it chooses the next path, and on one core the batched
numpy engine (:mod:`rldojo.envs.go.batched`) plays fewer moves a second than the board's
incremental chains even with 64 boards at once (``python -m benchmarks.go_ladder --speed 9``).

Opening knowledge (``opening_book``): on an empty 5x5 board the search plays the centre, C3,
without searching. 5x5 Go is solved (van der Werf, van den Herik and Uiterwijk, 2003): C3
is black's winning first move, and the whole board is won with perfect play. One second of
search from the empty board does not tell C3 from its neighbours (they look alike to the
rollouts), and those neighbours lose to a strong opponent.

Between moves the subtree of the position reached is kept (matched on the history of
moves). When the opponent has just passed and the score is already the mover's, the search
passes at once: that ends the game, won by the rules. Budgeted in playouts, the search is
deterministic for a given seed; budgeted in seconds it depends on the machine's speed.

Playing
-------
- :meth:`MCTS.select_move` ``(board, seconds=None)``: the move for the side to move of a
  :class:`~rldojo.envs.go.board.GoBoard` (its full history, so positional superko is
  exact), or None to resign. The board is not changed. This is what ``rldojo gtp`` calls.
- :meth:`MCTS.act` ``(board)``: the same as an opponent callable (a pass instead of resigning).
- ``predict(obs)`` on Go-v0 observations. The planes hold no history, so when the agent's
  own env is a Go-v0 whose board shows the observed position, the search uses that board
  (with its history); otherwise it rebuilds the position from the planes
  (:func:`~rldojo.envs.go.board.board_from_planes`) and keeps the root's moves to the
  legal plane (or the ``action_masks`` given), which carries the true superko legality.
  In the AEC env, pass ``obs["observation"]`` and ``action_masks=obs["action_mask"]``, or
  call ``select_move(env.board)``.
"""

from __future__ import annotations

import dataclasses
import math
import os
import random
import time

import numpy as np

from rldojo.baselines.agent import Agent, Choice, Flag, Integer, Number, TrainingRun, hyperparameter
from rldojo.baselines.nets import env_name
from rldojo.baselines.selfplay import SelfPlaySarsa
from rldojo.envs.go.board import BLACK, EMPTY, WHITE, GoBoard, IllegalMove, board_from_planes, board_planes
from rldojo.envs.go.env import GoEnv
from rldojo.envs.go.opponents import move_effects

LEAF_EVALUATIONS = ("rollout", "prior", "mixed")
# Heuristic priors: the win rate a move starts with, by kind.
CAPTURE_PRIOR = 0.8
ESCAPE_PRIOR = 0.7
EVEN_PRIOR = 0.5
PASS_PRIOR = 0.2
EYE_PRIOR = 0.1
UNCALM_PRIOR = 0.2  # a move the learned prior leaves out: own eye, or self-atari that captures nothing
# The solved first move of the boards whose game is solved with a known first move: size -> point.
SOLVED_FIRST_MOVES = {5: 2 * 5 + 2}  # 5x5: C3, the centre (van der Werf et al., 2003)
TIME_CHECK_EVERY = 8  # simulations between two looks at the clock


class Node:
    """A position in the tree: statistics for each action of its player, as arrays over the actions.

    ``visits`` and ``wins`` include the prior's virtual simulations (``prior_visits`` of
    them); ``amaf_visits`` and ``amaf_wins`` are the all-moves-as-first counts.
    """

    __slots__ = (
        "amaf_visits",
        "amaf_wins",
        "children",
        "hash",
        "illegal",
        "prior_visits",
        "to_play",
        "total",
        "value",
        "visits",
        "wins",
    )

    def __init__(self, board: GoBoard, mask: np.ndarray, jitter: np.ndarray):
        size = board.pass_action + 1
        self.to_play = board.to_play
        self.hash = board.hash
        self.children: dict[int, Node] = {}
        # Illegal actions score -inf; the jitter breaks ties without favouring low indices.
        self.illegal = np.where(mask.astype(bool), jitter, -np.inf)
        self.visits = np.ones(size)  # 1 on illegal actions too, so that no division is by zero
        self.wins = np.full(size, 0.5)
        self.prior_visits = np.ones(size)
        self.amaf_visits = np.zeros(size)
        self.amaf_wins = np.zeros(size)
        self.total = 0  # real simulations through this node
        self.value: float | None = None  # the learned prior's value for to_play, when computed

    def real_visits(self) -> np.ndarray:
        return self.visits - self.prior_visits


def sarsa_move_values(prior: SelfPlaySarsa, board: GoBoard, moves: list[int]) -> tuple[np.ndarray, list[bool]]:
    """The SARSA agent's Q(s, a) for the side to move of ``board``, for each stone move of ``moves``,
    and whether the agent calls each move calm (not its own eye, not a self-atari that captures nothing).

    The same sum as the agent's own choice: the local features of each move plus the
    whole-board shapes of the position after it, over the weights of the side to move.
    """
    features = prior.features
    color = board.to_play
    context = features.context(board)
    local = [features.of_move(board, a, *context) for a in moves]
    calm = [features.is_calm(f) for f in local]
    weights = prior.weights[color]
    lengths = [len(f) for f in local]
    flat = np.fromiter((i for f in local for i in f), dtype=np.int64, count=sum(lengths))
    q = np.add.reduceat(weights[flat], np.cumsum([0, *lengths[:-1]]))
    if prior.shapes is not None:
        q = q + weights[prior.shapes.of_positions(_positions_after(board, moves))].sum(axis=1)
    return q, calm


def _positions_after(board: GoBoard, moves: list[int]) -> np.ndarray:
    """The position after each stone move of ``moves``, from the mover's side: 0 empty, 1 the mover's, 2 the other's."""
    color = board.to_play
    flat = board.flat_grid.astype(np.int64)
    if color == WHITE:
        flat = np.where(flat == 0, 0, 3 - flat)
    after = np.repeat(flat[None, :], len(moves), axis=0)
    row_of = {a: i for i, a in enumerate(moves)}
    after[list(row_of.values()), moves] = 1
    for chain in board.atari[3 - color]:  # a stone on a chain's last liberty takes it
        i = row_of.get(next(iter(chain.liberties)))
        if i is not None:
            after[i, chain.stones] = 0
    return after


class MCTS(Agent):
    """UCT with RAVE over the rules engine, with heuristic and learned prior knowledge (see the module docstring).

    :param env: a Go-v0 env (or its id): its size, komi and ko rule are the search's for
        ``predict``; ``select_move`` searches whatever board it is given
    """

    name = "mcts"

    @dataclasses.dataclass
    class Config:
        playouts: int = hyperparameter(1000, Integer(1))  # simulations per move (when seconds is None)
        seconds: float | None = hyperparameter(
            None, Number(0, low_open=True, optional=True)
        )  # time per move instead of a playout count; None: use playouts
        exploration: float = hyperparameter(0.1, Number(0))  # UCT's c: the weight of the exploration bonus
        rave_equivalence: float = hyperparameter(
            500.0, Number(0)
        )  # k: the visit count at which a move's own and AMAF values weigh the same; 0 turns RAVE off
        heuristic_weight: float = hyperparameter(
            10.0, Number(0)
        )  # virtual simulations of the heuristic prior (capture, escape, eye, pass)
        prior_weight: float = hyperparameter(20.0, Number(0))  # virtual simulations of the learned (SARSA) prior
        use_prior: bool = hyperparameter(True, Flag())  # use the learned prior when the agent has one
        leaf: str = hyperparameter("rollout", Choice(*LEAF_EVALUATIONS))  # how a new node is valued
        resign_threshold: float = hyperparameter(
            0.0, Number(0, 0.5)
        )  # resign when the best move wins less often than this (0: never)
        reuse_tree: bool = hyperparameter(True, Flag())  # keep the subtree of the position reached between moves
        clock: str = hyperparameter(
            "wall", Choice("wall", "cpu")
        )  # what seconds count: wall time, or this process's CPU time (one core's worth on a busy machine)
        opening_book: bool = hyperparameter(
            True, Flag()
        )  # on an empty board whose solved first move is known (5x5: C3), play it without searching

    # ------------------------------------------------------------------ set-up

    def __init__(self, env, seed: int | None = None, prior_path: str | os.PathLike | None = None, **kwargs):
        """
        :param env: a Go-v0 env (or its id)
        :param seed: seeds the rollouts and the tie-breaking
        :param prior_path: a saved ``selfplay-sarsa`` checkpoint to use as the learned prior
            (None: no learned prior until ``learn``). A saved MCTS holds the prior's weights
            themselves, so it does not need the file again.
        :param kwargs: the fields of ``Config``, and the base class's ``verbose``,
            ``tensorboard_log`` and ``monitor_dir``
        """
        if prior_path is not None and (
            not isinstance(prior_path, (str, os.PathLike)) or not os.path.isfile(prior_path)
        ):
            raise ValueError(
                "prior_path must be None or the path of an existing file (a saved selfplay-sarsa checkpoint), "
                f"got {prior_path!r}"
            )
        self._prior_path = prior_path
        super().__init__(env, seed=seed, **kwargs)

    def _setup(self) -> None:
        base = getattr(self.env, "unwrapped", self.env)
        if not isinstance(base, GoEnv):
            raise ValueError(f"MCTS (mcts) cannot play {env_name(self.env)}: it needs a Go-v0 env")
        self.board_size = int(base.board_size)
        self.komi = float(base.komi)
        self.ko_rule = str(base.ko_rule)
        # Two streams from the seed: Python's for the rollouts, numpy's for the tie-breaking jitter.
        self.random = random.Random(int(self.rng.integers(2**63)))
        self.np_random = np.random.default_rng(self.rng.integers(2**63))
        self.prior: SelfPlaySarsa | None = None
        if self._prior_path is not None:
            self.prior = SelfPlaySarsa.load(self._prior_path, env=self.env)
        self.root: Node | None = None
        self.root_history: list[int] = []
        self.last_search: dict = {}

    @property
    def has_prior(self) -> bool:
        """Whether the search uses a learned prior now."""
        return self.prior is not None and self.config.use_prior

    # ------------------------------------------------------------------ learning: the prior

    def _learn(self, total_timesteps: int, run: TrainingRun) -> None:
        """Train the learned prior, a SARSA self-play agent, for ``total_timesteps`` moves.

        The search itself learns nothing offline: ``learn`` is how the offline knowledge it
        uses is made. A second call continues the same agent.
        """
        from rldojo.baselines.hyperparams import defaults

        if self.prior is None:
            self.prior = SelfPlaySarsa(self.env, seed=self.seed, **defaults("Go-v0", "selfplay-sarsa"))
        self.prior.learn(
            total_timesteps, callback=lambda _prior: run.step(0.0, False, False, {}), reset_num_timesteps=False
        )
        self.root = None  # the old tree was valued without this prior

    # ------------------------------------------------------------------ playing

    def select_move(self, board: GoBoard, *, seconds: float | None = None) -> int | None:
        """The move for the side to move of ``board`` (``row * size + col``, ``size*size`` to pass),
        or None to resign. ``board`` is left unchanged.

        :param seconds: time for this move; None: the agent's own budget (``playouts``, or ``seconds``)
        """
        if not isinstance(board, GoBoard):
            raise TypeError(f"board must be a GoBoard, got {type(board).__name__}")
        if board.is_over():
            raise ValueError("board: the game is over, there is no move to choose")
        if seconds is not None and not (isinstance(seconds, (int, float)) and seconds > 0 and math.isfinite(seconds)):
            raise ValueError(f"seconds must be None or a positive finite number, got {seconds!r}")
        return self._search(board, seconds=seconds)

    def act(self, board: GoBoard, deterministic: bool = True) -> int:
        """:meth:`select_move` as an opponent callable: a resignation becomes a pass."""
        move = self.select_move(board)
        return board.pass_action if move is None else move

    def _predict(self, obs: np.ndarray, deterministic: bool, masks: np.ndarray | None) -> np.ndarray:
        actions = []
        for i, planes in enumerate(obs):
            board = self._board_of(planes)
            if board is not None:  # the env's own board: its history makes legality exact, the tree can be kept
                allowed = None
            elif masks is not None:
                allowed = masks[i].astype(bool)
            else:
                allowed = np.append(planes[3].reshape(-1) > 0.5, True)
            if board is None:
                board = board_from_planes(planes, komi=self.komi, ko_rule=self.ko_rule)
            if board.is_over():
                actions.append(board.pass_action)
                continue
            move = self._search(board, allowed=allowed)
            actions.append(board.pass_action if move is None else move)
        return np.asarray(actions, dtype=np.int64)

    def _board_of(self, planes: np.ndarray) -> GoBoard | None:
        """The agent's own Go-v0 board, with its history, when it shows the observed position; else None."""
        base = getattr(self.env, "unwrapped", self.env)
        board = getattr(base, "board", None)
        if board is None or board.is_over() or board.size != planes.shape[-1]:
            return None
        if np.array_equal(board_planes(board, board.to_play)[:3], planes[:3]) and (planes[4].flat[0] > 0.5) == (
            board.to_play == BLACK
        ):
            return board
        return None

    # ------------------------------------------------------------------ the search

    def _search(self, board: GoBoard, seconds: float | None = None, allowed: np.ndarray | None = None) -> int | None:
        cfg = self.config
        seconds = cfg.seconds if seconds is None else seconds
        if self._passing_wins(board, allowed):
            # The opponent has just passed and the score is ours: a pass ends the game, won by
            # the rules. No search needed (it would find the same, at the cost of a full budget).
            self.root = None
            self.last_search = {"simulations": 0, "seconds": 0.0, "win_rate": 1.0, "visits": 0}
            return board.pass_action
        book = self._book_move(board, allowed)
        if book is not None:
            self.root = None
            self.last_search = {"simulations": 0, "seconds": 0.0, "win_rate": 1.0, "visits": 0, "book": True}
            return book
        root = self._root_for(board, allowed)
        clock = time.process_time if cfg.clock == "cpu" else time.perf_counter
        started = clock()
        deadline = None if seconds is None else started + seconds
        simulations = 0
        while True:
            if deadline is None:
                if simulations >= cfg.playouts:
                    break
            elif simulations % TIME_CHECK_EVERY == 0 and simulations and clock() >= deadline:
                break
            self._simulate(board, root)
            simulations += 1
        real = root.real_visits()
        real[np.isneginf(root.illegal)] = -1
        move = int(np.argmax(real + root.illegal))  # the most visited move; the jitter breaks ties
        rate = float(root.wins[move]) / float(root.visits[move])
        self.last_search = {
            "simulations": simulations,
            "seconds": clock() - started,
            "win_rate": rate,
            "visits": int(real[move]),
        }
        if cfg.resign_threshold > 0 and rate < cfg.resign_threshold and root.total >= 100:
            return None
        if cfg.reuse_tree:
            self.root = root.children.get(move)
            self.root_history = [*board.history, move]
        return move

    def _book_move(self, board: GoBoard, allowed: np.ndarray | None) -> int | None:
        """The solved first move when the board is empty (no stone, no move yet) and one is known, else None."""
        move = SOLVED_FIRST_MOVES.get(board.size)
        if not self.config.opening_book or move is None or board.history or board.flat_grid.any():
            return None
        if board.to_play != BLACK or (allowed is not None and not allowed[move]):
            return None
        return move

    @staticmethod
    def _passing_wins(board: GoBoard, allowed: np.ndarray | None) -> bool:
        """Whether a pass now ends the game (the opponent passed last) with a win for the side to move."""
        if board.consecutive_passes != 1 or (allowed is not None and not allowed[board.pass_action]):
            return False
        score = board.score()
        return score > 0 if board.to_play == BLACK else score < 0

    def _root_for(self, board: GoBoard, allowed: np.ndarray | None) -> Node:
        """The kept subtree of this position when there is one, else a new root."""
        root = None
        if self.config.reuse_tree and self.root is not None and allowed is None:
            known = self.root_history
            history = board.history
            if history[: len(known)] == known:
                node = self.root
                for move in history[len(known) :]:
                    node = node.children.get(move)
                    if node is None:
                        break
                if node is not None and node.hash == board.hash and node.to_play == board.to_play:
                    root = node
        self.root = None
        if root is None:
            mask = board.legal_mask_view()
            if allowed is not None:
                mask = mask & allowed.astype(np.int8)
                if not mask.any():
                    mask = np.zeros_like(mask)
                    mask[-1] = 1
            root = self._new_node(board, mask)
        return root

    def _new_node(self, board: GoBoard, mask: np.ndarray | None = None) -> Node:
        """A node for ``board`` (not over), with its priors."""
        if mask is None:
            mask = board.legal_mask_view()
        node = Node(board, mask, self.np_random.random(board.pass_action + 1) * 1e-7)
        self._add_priors(board, node, mask)
        return node

    def _add_priors(self, board: GoBoard, node: Node, mask: np.ndarray) -> None:
        """Virtual simulations: the heuristic prior, then the learned one (see the module docstring)."""
        cfg = self.config
        color = board.to_play
        points = board.points
        chain_of = board.chain_of
        neighbours = board.neighbours
        legal = np.flatnonzero(mask).tolist()
        pass_action = board.pass_action
        stones = [a for a in legal if a != pass_action]
        rate = {a: EVEN_PRIOR for a in stones}
        for a in stones:  # own eye: every neighbour is a stone of one's own, none in atari
            if all(points[q] == color and len(chain_of[q].liberties) > 1 for q in neighbours[a]):
                rate[a] = EYE_PRIOR
        for chain in board.atari[color]:
            (liberty,) = chain.liberties
            if liberty in rate and move_effects(board, liberty)[1] >= 2:
                rate[liberty] = ESCAPE_PRIOR
        for chain in board.atari[3 - color]:
            (liberty,) = chain.liberties
            if liberty in rate:
                rate[liberty] = CAPTURE_PRIOR
        weight = cfg.heuristic_weight
        if stones and weight > 0:
            idx = np.asarray(stones)
            node.visits[idx] = weight
            node.wins[idx] = weight * np.fromiter((rate[a] for a in stones), dtype=np.float64, count=len(stones))
            node.prior_visits[idx] = weight
        if pass_action in legal and weight > 0:
            node.visits[pass_action] = weight
            node.wins[pass_action] = weight * PASS_PRIOR
            node.prior_visits[pass_action] = weight
        if stones and self.has_prior and board.size == self.prior.board_size:
            q, calm = sarsa_move_values(self.prior, board, stones)
            learned = np.where(calm, np.clip((q + 1.0) / 2.0, 0.02, 0.98), UNCALM_PRIOR)
            node.value = float(learned.max())
            if cfg.prior_weight > 0:
                idx = np.asarray(stones)
                node.visits[idx] += cfg.prior_weight
                node.wins[idx] += cfg.prior_weight * learned
                node.prior_visits[idx] += cfg.prior_weight
        # Actions with no prior at all keep one virtual simulation at one half (no division by zero).
        unset = node.prior_visits <= 0
        node.visits[unset] = node.prior_visits[unset] = 1.0
        node.wins[unset] = 0.5

    def _select(self, node: Node) -> int:
        """The action of highest value (see the module docstring)."""
        cfg = self.config
        visits = node.visits
        q = node.wins / visits
        k = cfg.rave_equivalence
        if k > 0:
            amaf_n = node.amaf_visits
            q_amaf = np.where(amaf_n > 0, node.amaf_wins / np.maximum(amaf_n, 1.0), q)
            beta = np.sqrt(k / (3.0 * visits + k))
            q = q + beta * (q_amaf - q)
        if cfg.exploration > 0:
            q = q + cfg.exploration * np.sqrt(math.log(node.total + 1.0) / visits)
        return int(np.argmax(q + node.illegal))

    def _simulate(self, root_board: GoBoard, root: Node) -> None:
        """One simulation: down the tree, one new node, a rollout (or the prior's value), the result back up."""
        board = root_board.copy()
        start = board.move_number
        path: list[Node] = []
        node = root
        leaf_value = None  # the prior's win rate for the player to move at the new node
        while True:
            path.append(node)
            action = self._select(node)
            board.play(action)
            if board.is_over():
                break
            child = node.children.get(action)
            if child is None:
                child = node.children[action] = self._new_node(board)
                if self.config.leaf != "rollout" and child.value is not None:
                    leaf_value = child.value
                    leaf_player = child.to_play
                if leaf_value is None or self.config.leaf == "mixed":
                    self.rollout(board)
                break
            node = child
        if board.is_over() or leaf_value is None or self.config.leaf == "mixed":
            score = board.score()
            black_result = 1.0 if score > 0 else 0.0 if score < 0 else 0.5
            if leaf_value is not None:  # mixed: the mean of the rollout and the prior's value
                black_value = leaf_value if leaf_player == BLACK else 1.0 - leaf_value
                black_result = 0.5 * (black_result + black_value)
        else:
            black_result = leaf_value if leaf_player == BLACK else 1.0 - leaf_value
        self._back_up(board, start, path, black_result)

    def _back_up(self, board: GoBoard, start: int, path: list[Node], black_result: float) -> None:
        """Each node of the path: its own action's counts, and AMAF counts for every later move of its player."""
        sequence = board.history[start:]
        use_amaf = self.config.rave_equivalence > 0
        if use_amaf:
            # first[a] = parity (0 or 1, counted from the root) of the earliest play of a from the
            # current depth on, filled backwards so that each node sees only the moves after it.
            first = np.full(board.pass_action + 1, -1, dtype=np.int8)
        depth = len(path)
        for j in range(len(sequence) - 1, -1, -1):
            action = sequence[j]
            if use_amaf and action != board.pass_action:
                first[action] = j & 1
            if j < depth:
                node = path[j]
                result = black_result if node.to_play == BLACK else 1.0 - black_result
                node.visits[action] += 1.0
                node.wins[action] += result
                node.total += 1
                if use_amaf:
                    played = first == (j & 1)
                    node.amaf_visits += played
                    if result:
                        node.amaf_wins += played * result

    def rollout(self, board: GoBoard) -> None:
        """Play the game out with the light policy: capture, escape atari, else random but never one's own eye."""
        n = board.num_points
        pass_action = board.pass_action
        points = board.points
        chain_of = board.chain_of
        neighbours = board.neighbours
        atari = board.atari
        randrange = self.random.randrange
        play = board.play
        while not board.is_over():
            color = board.to_play
            threatened = atari[3 - color]
            if threatened:  # take a chain in atari (the one with the lowest point: deterministic)
                chain = min(threatened, key=_first_stone) if len(threatened) > 1 else next(iter(threatened))
                try:
                    play(next(iter(chain.liberties)))
                    continue
                except IllegalMove:
                    pass
            own = atari[color]
            if own:  # save a chain of one's own in atari when its liberty gives it two or more
                chain = min(own, key=_first_stone) if len(own) > 1 else next(iter(own))
                liberty = next(iter(chain.liberties))
                if move_effects(board, liberty)[1] >= 2:
                    try:
                        play(liberty)
                        continue
                    except IllegalMove:
                        pass
            begin = randrange(n)
            for i in range(n):
                p = begin + i
                if p >= n:
                    p -= n
                if points[p] != EMPTY:
                    continue
                # Skip one's own eye (every neighbour one's own, none in atari) and plain suicide
                # (no empty neighbour, no capture, no own chain left with a liberty), which the
                # rules would refuse at the cost of an exception.
                eye = True
                safe = False
                for q in neighbours[p]:
                    v = points[q]
                    if v == EMPTY:
                        eye = False
                        safe = True
                        break
                    if v == color:
                        if len(chain_of[q].liberties) > 1:
                            safe = True
                        else:
                            eye = False
                    else:
                        eye = False
                        if len(chain_of[q].liberties) == 1:
                            safe = True
                if eye or not safe:
                    continue
                try:
                    play(p)
                    break
                except IllegalMove:
                    continue
            else:
                play(pass_action)

    # ------------------------------------------------------------------ checkpoints

    def _state_dict(self) -> dict:
        prior = None
        if self.prior is not None:
            prior = {
                "config": dataclasses.asdict(self.prior.config),
                "black": self.prior.weights[BLACK].copy(),
                "white": self.prior.weights[WHITE].copy(),
                "board_size": self.prior.board_size,
                "num_timesteps": self.prior.num_timesteps,
            }
        return {"prior": prior}

    def _load_state_dict(self, state: dict) -> None:
        stored = state["prior"]
        if stored is None:
            return
        if int(stored["board_size"]) != self.board_size:
            raise ValueError(
                f"the prior is for a {stored['board_size']}x{stored['board_size']} board, "
                f"the env is {self.board_size}x{self.board_size}"
            )
        prior = SelfPlaySarsa(self.env, seed=self.seed, **stored["config"])
        for color, key in ((BLACK, "black"), (WHITE, "white")):
            weights = np.asarray(stored[key], dtype=np.float64)
            if weights.shape != prior.weights[color].shape:
                raise ValueError(
                    f"prior {key} weights have shape {weights.shape}, expected {prior.weights[color].shape}"
                )
            prior.weights[color] = weights
        prior.num_timesteps = int(stored["num_timesteps"])
        self.prior = prior
        self.root = None


def _first_stone(chain) -> int:
    return min(chain.stones)
