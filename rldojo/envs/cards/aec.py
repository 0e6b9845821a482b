"""Kuhn poker and Leduc Hold'em for two learners: PettingZoo AEC environments.

>>> from rldojo.envs.cards import aec
>>> env = aec.leduc_env()
>>> env.reset(seed=0)
>>> for agent in env.agent_iter():
...     obs, reward, termination, truncation, info = env.last()
...     action = None if termination or truncation else env.action_space(agent).sample(obs["action_mask"])
...     env.step(action)
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from gymnasium import spaces
from gymnasium.utils import seeding
from pettingzoo import AECEnv
from pettingzoo.utils import wrappers

from rldojo.envs.cards.games import ACTION_MEANING, ACTION_NAMES, KUHN, LEDUC, NUM_ACTIONS, PokerGame, observation_size
from rldojo.envs.common import check_action, check_choice, check_render_mode, check_reset_options

ILLEGAL_ACTIONS = ("raise", "forfeit")
AGENTS = ("player_0", "player_1")


def kuhn_env(**kwargs) -> AECEnv:
    """Kuhn poker for two agents, inside PettingZoo's order-enforcing wrapper (see :class:`KuhnPokerAEC`)."""
    return wrappers.OrderEnforcingWrapper(KuhnPokerAEC(**kwargs))


def leduc_env(**kwargs) -> AECEnv:
    """Leduc Hold'em for two agents, inside PettingZoo's order-enforcing wrapper (see :class:`LeducHoldemAEC`)."""
    return wrappers.OrderEnforcingWrapper(LeducHoldemAEC(**kwargs))


class CardGameAEC(AECEnv):
    """
    ## Description
    One hand of poker between ``"player_0"`` (first to act in every round) and
    ``"player_1"``, with the rules of :mod:`rldojo.envs.cards.games`.

    ## Action Space
    ``Discrete(3)`` for each agent: 0 fold, 1 call (check), 2 raise (bet).

    ## Observation Space
    A dict: ``"observation"``, the observing agent's information state vector
    (``Box(0, 1, (16,))`` in Kuhn, ``(34,)`` in Leduc, the layout of the single-agent envs),
    and ``"action_mask"``, ``Box(0, 1, (3,), int8)``, its legal actions (zeros when it is
    not to act).

    ## Rewards
    At the end of the hand, the chips each agent won or lost (they sum to zero).

    ## Episode End
    Both agents terminate on a fold or at showdown, or when ``illegal_action="forfeit"``
    and an agent plays an illegal action (it loses what it has put in). ``infos[agent]``
    then holds ``"returns"``, ``"showdown"`` and, after a showdown, ``"cards"`` (both).

    ## Arguments
    ``illegal_action="raise"`` (a ValueError naming the legal actions) or ``"forfeit"``;
    ``render_mode=None``, ``"human"``, ``"rgb_array"`` or ``"ansi"`` (from ``player_0``'s side).

    ## Version History
    - v0: first version.
    """

    metadata: ClassVar[dict[str, Any]] = {
        "render_modes": ["human", "rgb_array", "ansi"],
        "name": "rldojo_cards_v0",
        "is_parallelizable": False,
        "render_fps": 2,
    }
    game: PokerGame = KUHN

    def __init__(self, illegal_action: str = "raise", render_mode: str | None = None):
        super().__init__()
        check_choice("illegal_action", illegal_action, ILLEGAL_ACTIONS)
        check_render_mode(render_mode, self.metadata)
        self.illegal_action = illegal_action
        self.render_mode = render_mode
        self.possible_agents = list(AGENTS)
        size = observation_size(self.game)
        self.observation_spaces = {
            agent: spaces.Dict(
                {
                    "observation": spaces.Box(0.0, 1.0, shape=(size,), dtype=np.float32),
                    "action_mask": spaces.Box(0, 1, shape=(NUM_ACTIONS,), dtype=np.int8),
                }
            )
            for agent in self.possible_agents
        }
        self.action_spaces = {agent: spaces.Discrete(NUM_ACTIONS) for agent in self.possible_agents}
        self.state = None
        self.np_random, _ = seeding.np_random(None)
        self._log: list[tuple[int, int]] = []
        self._renderer = None

    def observation_space(self, agent):
        return self.observation_spaces[agent]

    def action_space(self, agent):
        return self.action_spaces[agent]

    def reset(self, seed: int | None = None, options: dict | None = None) -> None:
        check_reset_options(options, (), ignored=("options",))  # PettingZoo api_test's probe
        if seed is not None:
            self.np_random, _ = seeding.np_random(seed)
        cards = self.np_random.permutation(self.game.num_cards)[: 3 if self.game.has_public_card else 2].tolist()
        self.state = self.game.deal(cards)
        self._log = []
        self.agents = list(self.possible_agents)
        self.rewards = {agent: 0.0 for agent in self.agents}
        self._cumulative_rewards = {agent: 0.0 for agent in self.agents}
        self.terminations = {agent: False for agent in self.agents}
        self.truncations = {agent: False for agent in self.agents}
        self.infos = {agent: {} for agent in self.agents}
        self.agent_selection = self.agents[self.state.current_player]
        if self.render_mode == "human":
            self.render()

    def observe(self, agent):
        player = self.possible_agents.index(agent)
        state = self.state
        mask = state.legal_actions_mask() if state.current_player == player else [0, 0, 0]
        return {
            "observation": np.array(state.information_state_tensor(player), dtype=np.float32),
            "action_mask": np.array(mask, dtype=np.int8),
        }

    def step(self, action) -> None:
        agent = self.agent_selection
        if self.terminations[agent] or self.truncations[agent]:
            self._was_dead_step(action)
            return
        player = self.possible_agents.index(agent)
        state = self.state
        action = check_action(action, NUM_ACTIONS, ACTION_MEANING)
        self._cumulative_rewards[agent] = 0.0
        if action not in state.legal_actions():
            if self.illegal_action == "raise":
                names = ", ".join(f"{a} ({ACTION_NAMES[a]})" for a in state.legal_actions())
                raise ValueError(
                    f"{agent}'s action {action} is illegal here; legal actions: {names} "
                    "(see the observation's action_mask)"
                )
            state.folded = player  # forfeit: as if it had folded
            state.current_player = -4
        else:
            state.apply_action(action)
        self._log.append((player, action))
        if state.is_terminal():
            returns = state.returns()
            for i, name in enumerate(self.possible_agents):
                self.rewards[name] = float(returns[i])
                self.terminations[name] = True
                self.infos[name] = {"returns": returns, "showdown": state.is_showdown()}
                if state.is_showdown():
                    self.infos[name]["cards"] = list(state.cards)
        else:
            self.agent_selection = self.possible_agents[state.current_player]
        self._accumulate_rewards()
        if self.render_mode == "human":
            self.render()

    def render(self):
        from rldojo.envs.cards import render

        if self.render_mode is None:
            return None
        if self.state is None:
            raise RuntimeError("call reset() before render()")
        if self.render_mode == "ansi":
            return render.ansi(self.state, 0, self._log)
        if self._renderer is None:
            self._renderer = render.TableRenderer(self.game, self.render_mode, self.metadata["render_fps"])
        return self._renderer.draw(self.state, 0, self._log)

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None


class KuhnPokerAEC(CardGameAEC):
    __doc__ = "Kuhn poker for two agents.\n" + CardGameAEC.__doc__
    metadata: ClassVar[dict[str, Any]] = {**CardGameAEC.metadata, "name": "rldojo_kuhn_poker_v0"}
    game = KUHN


class LeducHoldemAEC(CardGameAEC):
    __doc__ = "Leduc Hold'em for two agents.\n" + CardGameAEC.__doc__
    metadata: ClassVar[dict[str, Any]] = {**CardGameAEC.metadata, "name": "rldojo_leduc_holdem_v0"}
    game = LEDUC
