"""Native vector envs of KuhnPoker-v0 and LeducHoldem-v0: N hands against the fixed opponent, played on arrays.

``gym.make_vec("LeducHoldem-v0", num_envs=256, vectorization_mode="vector_entry_point", **options)``
makes a :class:`LeducHoldemVectorEnv`. Every hand is one integer, its state in the game's
flattened tree (betting node, seat and deal; :mod:`rldojo.envs.cards.batched`), so a step of all
hands is a handful of numpy look-ups; the hands behave exactly as the single envs of
:mod:`rldojo.envs.cards.env` with the same seeds, in each autoreset mode (see :mod:`rldojo.envs.vector`).

The options are the single env's (``opponent``, ``seat``, ``illegal_action``, ``alpha``), checked by
it. The named and tabular opponents (``"random"``, ``"always_call"``, ``"always_raise"``,
``"nash"``, a tabular policy, a CFR agent) are played on arrays. An agent opponent is asked once
per opponent move for the whole batch (one ``predict`` on a batch of observations and masks;
a stochastic agent then draws its own random numbers in another order than N single envs
would). A callable opponent takes an :class:`~rldojo.envs.cards.games.InfoState` and so is
called once per hand, in a Python loop over the hands where it is to act.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode

from rldojo.envs.cards.batched import OPPONENT_KINDS, PendingDeals, PokerBatch, StateTables, TabularOpponent
from rldojo.envs.cards.env import CardGameEnv, KuhnPokerEnv, LeducHoldemEnv
from rldojo.envs.cards.games import ACTION_MEANING, NUM_ACTIONS
from rldojo.envs.common import check_reset_options, policy_action
from rldojo.envs.vector import NativeVectorEnv

__all__ = ["CardGameVectorEnv", "KuhnPokerVectorEnv", "LeducHoldemVectorEnv", "LegalActionsSpace"]

_STATE_TABLES: dict[str, StateTables] = {}  # game name -> its tables, built once per process

_as_lists = np.frompyfunc(list, 1, 1)  # an object array of tuples -> one of fresh lists


class LegalActionsSpace(spaces.MultiDiscrete):
    """The batched action space, ``MultiDiscrete([3] * num_envs)``, whose ``sample()`` draws a legal action per env.

    As the single env's space, random play stays legal under ``illegal_action="raise"``; an env
    with no legal action (a hand that has ended) gets action 0, which the step ignores. An explicit
    ``mask`` or ``probability`` is used as given.

    :param num_envs: the number of envs
    :param legal_masks: returns the bool ``(num_envs, 3)`` masks of the actions legal now
    """

    def __init__(self, num_envs: int, legal_masks, seed=None):
        super().__init__(np.full(num_envs, NUM_ACTIONS), seed=seed)
        self._legal_masks = legal_masks

    def sample(self, mask=None, probability=None):
        if mask is None and probability is None:
            # the argmax of uniform numbers over the legal entries: a uniform legal action
            return (self.np_random.random((len(self.nvec), NUM_ACTIONS)) * self._legal_masks()).argmax(axis=1)
        return super().sample(mask=mask, probability=probability)


class CardGameVectorEnv(NativeVectorEnv):
    """``num_envs`` hands of a card game against a fixed opponent, stepped together (see the module docstring).

    :param num_envs: the number of hands played side by side
    :param opponent: as the single env's ``opponent``
    :param seat: ``"first"``, ``"second"`` or ``"random"`` (drawn each hand, per env)
    :param illegal_action: ``"raise"`` refuses a step with any illegal action (a ValueError naming the
        env, nothing changes); ``"forfeit"`` ends those hands as folds
    :param alpha: the parameter of the ``"nash"`` opponent
    :param render_mode: None or ``"rgb_array"`` (the tables of the first ``render_envs`` envs)
    :param autoreset_mode: a :class:`gymnasium.vector.AutoresetMode` or its value
    :param max_episode_steps: truncate a hand after this many steps (None: never, as registered)
    :param render_envs: how many envs ``render()`` shows
    """

    single_env_class: ClassVar[type[CardGameEnv]] = CardGameEnv
    metadata: ClassVar[dict[str, Any]] = {
        "render_modes": ["rgb_array"],
        "render_fps": 2,
        "autoreset_mode": AutoresetMode.NEXT_STEP,
    }

    def __init__(
        self,
        num_envs: int = 1,
        opponent: Any = "random",
        seat: str = "random",
        illegal_action: str = "raise",
        alpha: float = 1.0 / 6.0,
        render_mode: str | None = None,
        *,
        autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
        max_episode_steps: int | None = None,
        render_envs: int = 1,
    ):
        # the single env checks the options as it does alone, and holds the game's tables and the opponent
        single = self.single_env_class(opponent=opponent, seat=seat, illegal_action=illegal_action, alpha=alpha)
        super().__init__(
            num_envs,
            single.observation_space,
            spaces.Discrete(NUM_ACTIONS),
            autoreset_mode=autoreset_mode,
            max_episode_steps=max_episode_steps,
            render_mode=render_mode,
            render_envs=render_envs,
            action_meaning=ACTION_MEANING,
        )
        self.action_space = LegalActionsSpace(self.num_envs, self.action_masks)
        self.game = single.game
        self.opponent_spec = opponent
        self.seat_option = seat
        self.illegal_action = illegal_action
        self.alpha = single.alpha
        self.refuse_illegal = illegal_action == "raise"  # "forfeit": the hands handle illegal actions
        self.tables = single.tables  # the single env's (per node and deal)
        self.opponent = single.opponent
        self.state_tables = _STATE_TABLES.get(self.game.name)
        if self.state_tables is None:
            self.state_tables = _STATE_TABLES[self.game.name] = StateTables(self.tables)
        kind = self.opponent.kind
        self.hands = PokerBatch(
            self.state_tables,
            self.num_envs,
            kind,
            seat={"first": 0, "second": 1}.get(seat),
            forfeit=illegal_action == "forfeit",
            tabular=TabularOpponent(self.opponent.table) if kind == "table" else None,
            other_opponent=None if kind in OPPONENT_KINDS else self._other_opponent_actions,
        )
        # every possible "returns" entry, indexed by the first player's chips won + the most a player can win
        most = self._most_won = self.state_tables.most_won
        self._returns_table = np.empty(2 * most + 1, dtype=object)
        self._returns_table[:] = [(float(v), -float(v)) for v in range(-most, most + 1)]
        self._no_returns = np.full(self.num_envs, None, dtype=object)
        self._masks: np.ndarray | None = None  # the action masks, until the hands move
        self._resetting = False  # inside reset(), where seeds may have changed
        self._pending: PendingDeals | None = None  # deals made while stepping, for the autoreset that follows

    # -- the opponents played outside the arrays ------------------------------------------------------

    def _other_opponent_actions(self, hands: np.ndarray, states: np.ndarray) -> np.ndarray:
        """An agent opponent's actions (one batched ``predict``) or a callable's (one call per hand).

        An agent whose ``predict`` fails on a batch, or answers it with other than one action per
        observation, is asked once per hand instead.
        """
        opponent, tables = self.opponent, self.state_tables
        if opponent.kind == "agent":
            # the opponent's own view: the state of the same node and deal from its seat
            own = (tables.node[states] * 2 + tables.player[states]) * tables.num_deals + tables.deal[states]
            observations, masks = tables.observations[own], tables.masks[states]
            try:
                actions = np.asarray(
                    policy_action(opponent.agent, observations, masks, deterministic=False, batch=True)
                )
            except (ValueError, TypeError, IndexError):  # a predict that takes one observation at a time
                actions = None
            if actions is None or actions.shape != (len(hands),):
                actions = np.array(
                    [
                        np.asarray(policy_action(opponent.agent, obs, mask, deterministic=False)).reshape(-1)[0]
                        for obs, mask in zip(observations, masks, strict=True)
                    ]
                )
            return actions
        draw = self.hands.streams.draw
        nodes, deals = tables.node[states].tolist(), tables.deal[states].tolist()
        actions = np.empty(len(hands), dtype=np.int64)
        for k, (hand, node, deal) in enumerate(zip(hands.tolist(), nodes, deals, strict=True)):
            actions[k] = opponent.act(self.tables, deal, node, lambda hand=hand: float(draw(np.array([hand]))[0]))
        return actions

    def reset(self, *, seed: int | list[int | None] | None = None, options: dict | None = None):
        """Reset every env, or with ``options={"reset_mask": mask}`` only those where ``mask`` is True.

        :param seed: None, an int (env ``i`` gets ``seed + i``) or a list of one seed (or None) per env
        :param options: only ``reset_mask``: the single env takes no reset options
        """
        self._resetting, self._pending = True, None
        try:
            return super().reset(seed=seed, options=options)
        finally:
            self._resetting = False

    # -- the hooks of NativeVectorEnv -------------------------------------------------------------------

    def _reset_envs(self, mask: np.ndarray, options: dict) -> dict[str, np.ndarray]:
        if options:
            check_reset_options(options, ())
        pending, self._pending = self._pending, None
        if pending is not None and np.array_equal(pending.hands, mask):
            self.hands.commit_deals(pending)
        else:
            hands = mask.nonzero()[0]
            if self._resetting:  # reset() may have given these envs new generators
                self.hands.streams.follow(hands, self.random.generators)
            self.hands.deal_hands(hands)
        self._masks = None
        return {"seat": self.state_tables.seat.take(self.hands.state)}

    def _step_envs(self, actions: np.ndarray, mask: np.ndarray):
        batch, tables, n = self.hands, self.state_tables, self.num_envs
        self._pending = None
        every = np.count_nonzero(mask) == n
        if every:
            batch.play(actions)
        elif batch.on_arrays and self.autoreset_mode == AutoresetMode.NEXT_STEP:
            # the envs not stepping reset right after (_reset_envs): their deals come out of the same passes
            self._pending = batch.play_and_deal(actions, mask)
        else:
            batch.play(actions, mask)
        self._masks = None
        state = batch.state
        # what the single env's info holds at the end of a hand, read per final state; envs not stepping read none
        looked = state if every else np.where(mask, state, tables.neutral)
        finished = tables.ended.take(looked)
        rewards = tables.reward.take(looked)  # 0 before the end
        showdown = tables.shown.take(looked)
        is_success = tables.success.take(looked)
        returns_index = tables.returns_index.take(state)
        if self.illegal_action == "forfeit" and np.count_nonzero(batch.forfeited):
            forfeited = batch.forfeited & mask  # a forfeit loses what the agent has put in
            finished |= forfeited
            lost = tables.agent_stake.take(state)
            rewards = np.where(forfeited, -lost, rewards)
            seat_sign = 1 - 2 * tables.seat.take(state)  # the first player's chips from the agent's
            returns_index = np.where(forfeited, (-lost * seat_sign).astype(np.int64) + self._most_won, returns_index)
        info: dict[str, np.ndarray] = {"seat": tables.seat.take(state)}
        ended = finished.nonzero()[0]
        if ended.size:
            returns = self._no_returns.copy()
            returns[ended] = _as_lists(self._returns_table.take(returns_index.take(ended)))
            info.update(
                returns=returns,
                _returns=finished,
                showdown=showdown,
                _showdown=finished,
                is_success=is_success,
                _is_success=finished,
                opponent_card=tables.shown_card.take(looked),
                _opponent_card=showdown,
            )
        return rewards, finished, np.zeros(n, dtype=bool), info

    def _observe(self) -> np.ndarray:
        return self.hands.observations()

    def _action_masks(self) -> np.ndarray:
        if self._masks is None:  # asked before and after each step: made once per state
            self._masks = self.hands.action_masks()
        return self._masks

    def _render_env(self, i: int) -> np.ndarray:
        """Env ``i``'s table, drawn by a single env put in the same hand."""
        batch, tables = self.hands, self.state_tables
        if not batch.dealt[i]:
            raise RuntimeError("call reset() before render()")
        viewer = self._renderer
        if viewer is None:
            viewer = self._renderer = self.single_env_class(opponent="always_call", render_mode="rgb_array")
        state = batch.state[i]
        viewer.deal_index, viewer.node, viewer.seat = (
            int(tables.deal[state]),
            int(tables.node[state]),
            int(tables.seat[state]),
        )
        viewer.forfeited = bool(batch.forfeited[i])
        return viewer.render()


class KuhnPokerVectorEnv(CardGameVectorEnv):
    """KuhnPoker-v0 batched: ``num_envs`` hands of :class:`~rldojo.envs.cards.env.KuhnPokerEnv`, stepped together.

    Observations ``(num_envs, 16)`` float32; actions an int array ``(num_envs,)`` of 0 fold, 1 call/check,
    2 raise/bet; ``action_masks()`` and ``info["action_mask"]`` ``(num_envs, 3)``. See
    :class:`CardGameVectorEnv` for the arguments.
    """

    single_env_class = KuhnPokerEnv


class LeducHoldemVectorEnv(CardGameVectorEnv):
    """LeducHoldem-v0 batched: ``num_envs`` hands of :class:`~rldojo.envs.cards.env.LeducHoldemEnv`, stepped together.

    Observations ``(num_envs, 34)`` float32; actions an int array ``(num_envs,)`` of 0 fold, 1 call/check,
    2 raise/bet; ``action_masks()`` and ``info["action_mask"]`` ``(num_envs, 3)``. See
    :class:`CardGameVectorEnv` for the arguments.
    """

    single_env_class = LeducHoldemEnv
