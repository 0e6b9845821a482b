"""Contextual bandits with one linear model per arm: LinUCB and linear Thompson sampling.

A contextual bandit shows a context x (here ChatbotFeedback-v0's query embedding), the
agent pulls one of k arms (a response), gets a reward (the rater's score) and the episode
ends: no state to carry, no credit to assign over time. Both agents assume each arm's
expected reward is linear in the context, E[r | x, a] = θ_aᵀx, and keep a ridge
regression of the rewards on the contexts for every arm apart ("disjoint" models, Li et
al., 2010). They differ only in how they explore:

- **LinUCB** (make_agent name ``linucb``) pulls the arm whose *upper confidence bound*
  θ_aᵀx + α·√(xᵀA_a⁻¹x) is largest. The square root is the width of the estimate in
  the direction x: large for contexts the arm has rarely seen, so they get tried; it shrinks
  as the arm sees more contexts like x. α is the exploration knob.
- **Linear Thompson sampling** (``lin-ts``, Agrawal and Goyal, 2013) draws a plausible
  θ̃_a for every arm from the Bayesian linear regression posterior N(θ_a, v²A_a⁻¹) and
  pulls the arm whose draw scores x highest. An arm is pulled about as often as it is
  likely to be the best; v (``noise_std``, the reward noise the posterior assumes) scales
  the spread of the draws.

Both learn online, one pull at a time, and need no learning rate::

    agent = make_agent("linucb", gym.make("ChatbotFeedback-v0", queries="text"), seed=0).learn(1000)
    agent = make_agent("lin-ts", "ChatbotFeedback-v0", seed=0, noise_std=1.0).learn(1000)

They take ChatbotFeedback-v0 and any env whose episodes are one step long (made with
``max_episode_steps=1``), with a 1-d Box observation and Discrete actions: on a longer episode a bandit
would ignore what an action does to the future. ``predict(deterministic=True)`` is the arm
with the best estimate θ_aᵀx; ``deterministic=False`` is the arm the strategy would pull
next (the upper bound's arm, or a posterior draw's), without learning from it.

The inverse A_a⁻¹ is kept up to date by the Sherman–Morrison formula: after one pull it
changes by a rank-one term, O(d²) work, where re-factorising A_a (Cholesky) would cost
O(d³) per pull: 129³ against 129² on the corpus's 128-dimensional embeddings plus the
intercept, about 130 times more. Choosing needs A_a⁻¹x for every arm anyway, which the kept
inverse gives by one matrix product. A_a starts at λI and only grows, so A_a⁻¹ stays
well conditioned (eigenvalues in (0, 1/λ]) and float64 rounding does not build up over
the tens of thousands of pulls a run makes; the test checks θ_a against a direct solve.

The update
----------
The context x is the observation with a 1 appended (``fit_intercept``). Every arm starts
with A_a = λI, A_a⁻¹ = I/λ, b_a = 0, θ_a = 0; λ is ``regularization``. Pull arm a in
context x, get reward r::

    A_a⁻¹ ← A_a⁻¹ − (A_a⁻¹x)(A_a⁻¹x)ᵀ / (1 + xᵀA_a⁻¹x)    Sherman–Morrison: the inverse of A_a + xxᵀ
    b_a   ← b_a + r · x
    θ_a   = A_a⁻¹ b_a                                    the ridge estimate
    LinUCB     a = argmax_a θ_aᵀx + α · √(xᵀA_a⁻¹x)
    linear TS  a = argmax_a θ̃_aᵀx,  θ̃_a ~ N(θ_a, v² A_a⁻¹)
               drawn as θ_aᵀx + v · √(xᵀA_a⁻¹x) · z_a,  z_a ~ N(0, 1)

Only θ̃_aᵀx enters the choice, and for a fixed x it is normal with mean θ_aᵀx and
variance v²·xᵀA_a⁻¹x, so one normal draw per arm gives the same choice as drawing all of
θ̃_a (which would need a d×d Cholesky factor per arm and pull). Ties go to a random arm.

- ``LinearRule.update``: A⁻¹ (Sherman–Morrison), b and θ.
- ``LinearRule.estimates``, ``LinearRule.widths``: θ_aᵀx and √(xᵀA_a⁻¹x) for every arm.
- ``LinUCBRule.choose``, ``LinearTSRule.choose``: the two ways to pick the next arm.
- ``LinearBanditAgent._learn``: one context, one pull, one update, on the env.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import numpy as np
from gymnasium import spaces
from gymnasium.vector import VectorEnv

from rldojo.baselines.agent import Agent, Flag, Number, TrainingRun, hyperparameter
from rldojo.baselines.bandits import argmax_random_ties
from rldojo.baselines.nets import env_name
from rldojo.envs.chatbot.env import ChatbotFeedbackEnv

__all__ = ["LinUCB", "LinUCBRule", "LinearBanditAgent", "LinearRule", "LinearTSRule", "LinearThompsonSampling"]


# ====================================================================== the rules

STATE_ARRAYS = ("a_inverse", "b", "theta", "counts")  # what a checkpoint keeps of a rule


class LinearRule:
    """One ridge regression per arm, over contexts of length ``dim``, updated one pull at a time.

    :param config: the agent's Config (``regularization`` is read here, the rest by ``choose``)
    :param k: the number of arms
    :param dim: the length of a context (with the intercept's 1, if any)
    """

    def __init__(self, config, k: int, dim: int):
        self.config = config
        self.k = k
        self.dim = dim
        lam = float(config.regularization)
        self.a_inverse = np.tile(np.eye(dim) / lam, (k, 1, 1))  # A_a⁻¹, (k, d, d)
        self.b = np.zeros((k, dim))  # b_a = Σ r·x over the arm's pulls
        self.theta = np.zeros((k, dim))  # θ_a = A_a⁻¹ b_a
        self.counts = np.zeros(k, dtype=np.int64)  # pulls of each arm

    def estimates(self, contexts: np.ndarray) -> np.ndarray:
        """θ_aᵀx for every context (rows) and arm (columns): the predicted rewards."""
        return contexts @ self.theta.T

    def widths(self, contexts: np.ndarray) -> np.ndarray:
        """√(xᵀA_a⁻¹x) for every context and arm: how unsure the arm's estimate is at x."""
        ax = np.matmul(self.a_inverse, contexts.T)  # A_a⁻¹x for every arm: (k, d, n)
        variance = np.einsum("kdn,dn->nk", ax, contexts.T)
        return np.sqrt(np.maximum(variance, 0.0))  # rounding must not make a variance negative

    def choose(self, contexts: np.ndarray, rng: np.random.Generator, masks: np.ndarray | None = None) -> np.ndarray:
        """The arm the strategy pulls next in each context (changes nothing but ``rng``)."""
        raise NotImplementedError

    def greedy(self, contexts: np.ndarray, masks: np.ndarray | None = None) -> np.ndarray:
        """The arm with the best estimate in each context (the lowest index among equals)."""
        return _masked(self.estimates(contexts), masks).argmax(axis=1)

    def update(self, arm: int, context: np.ndarray, reward: float) -> None:
        """Learn from one pull of ``arm`` in ``context`` that paid ``reward``."""
        inverse = self.a_inverse[arm]
        ax = inverse @ context
        # Sherman–Morrison: (A + xxᵀ)⁻¹ = A⁻¹ − A⁻¹x xᵀA⁻¹ / (1 + xᵀA⁻¹x), A⁻¹ symmetric.
        inverse -= np.outer(ax, ax) / (1.0 + context @ ax)
        self.b[arm] += reward * context
        self.theta[arm] = inverse @ self.b[arm]
        self.counts[arm] += 1

    def state(self) -> dict:
        """The rule's arrays, for a checkpoint."""
        return {name: getattr(self, name).copy() for name in STATE_ARRAYS}

    def load_state(self, state: dict) -> None:
        for name in STATE_ARRAYS:
            current = getattr(self, name)
            value = np.asarray(state[name])
            if value.shape != current.shape:
                raise ValueError(
                    f"state entry {name!r} has shape {value.shape}, this rule needs {current.shape} "
                    f"(k={self.k} arms, contexts of length {self.dim})"
                )
            setattr(self, name, value.astype(current.dtype))


class LinUCBRule(LinearRule):
    """LinUCB: argmax θ_aᵀx + α·√(xᵀA_a⁻¹x), ties at random."""

    def choose(self, contexts: np.ndarray, rng: np.random.Generator, masks: np.ndarray | None = None) -> np.ndarray:
        upper = self.estimates(contexts) + self.config.alpha * self.widths(contexts)
        return argmax_random_ties(_masked(upper, masks), rng)


class LinearTSRule(LinearRule):
    """Linear Thompson sampling: argmax of θ̃_aᵀx with θ̃_a drawn from N(θ_a, v²A_a⁻¹)."""

    def choose(self, contexts: np.ndarray, rng: np.random.Generator, masks: np.ndarray | None = None) -> np.ndarray:
        draws = rng.standard_normal((len(contexts), self.k))
        sampled = self.estimates(contexts) + self.config.noise_std * self.widths(contexts) * draws
        return argmax_random_ties(_masked(sampled, masks), rng)


def _masked(values: np.ndarray, masks: np.ndarray | None) -> np.ndarray:
    """``values`` with the arms a mask forbids set to -inf, so no argmax picks them."""
    if masks is None:
        return values
    return np.where(masks, values, -np.inf)


# ====================================================================== the agents


def plays_one_step_episodes(env) -> bool:
    """Whether every episode of ``env`` is one step: ChatbotFeedback-v0, or an env made with max_episode_steps=1."""
    if isinstance(getattr(env, "unwrapped", env), ChatbotFeedbackEnv):
        return True
    spec = getattr(env, "spec", None)
    return spec is not None and spec.max_episode_steps == 1


class LinearBanditAgent(Agent):
    """What LinUCB and linear Thompson sampling share: a context in, one pull, one update.

    :param env: ChatbotFeedback-v0, or an env with one-step episodes, a 1-d Box observation
        and Discrete actions (a single env, not a VectorEnv)
    :param seed: seeds the agent's tie-breaking and posterior draws, and the env's first reset
    :param hyperparameters: the fields of the agent's ``Config``
    """

    rule_class: ClassVar[type[LinearRule]] = LinearRule

    def _setup(self) -> None:
        who = f"{type(self).__name__} ({self.name}) cannot play {env_name(self.env)}"
        if isinstance(self.env, VectorEnv):
            raise ValueError(f"{who}: it needs a single env, one pull at a time, not a vector of envs")
        if not plays_one_step_episodes(self.env):
            raise ValueError(
                f"{who}: it needs a contextual bandit, an env whose every episode is one step "
                "(ChatbotFeedback-v0, or an env made with max_episode_steps=1)"
            )
        space, actions = self.observation_space, self.action_space
        if not isinstance(actions, spaces.Discrete):
            raise ValueError(f"{who}: it needs a Discrete action space (the arms), got {actions}")
        if not isinstance(space, spaces.Box) or len(space.shape) != 1:
            raise ValueError(f"{who}: it needs a 1-d Box observation space (the context vector), got {space}")
        self.k = int(actions.n)
        self.dim = int(space.shape[0]) + (1 if self.config.fit_intercept else 0)
        self.rule = self.rule_class(self.config, k=self.k, dim=self.dim)

    def contexts(self, obs: np.ndarray) -> np.ndarray:
        """A batch of observations as the rule's contexts: float64 rows, with a 1 appended for the intercept."""
        x = np.asarray(obs, dtype=np.float64).reshape(len(obs), -1)
        if self.config.fit_intercept:
            x = np.concatenate([x, np.ones((len(x), 1))], axis=1)
        return x

    def _learn(self, total_timesteps: int, run: TrainingRun) -> None:
        env = self.env
        obs, _ = self.reset_env()
        while True:
            context = self.contexts(np.asarray(obs)[None])
            arm = int(self.rule.choose(context, self.rng)[0])
            _, reward, terminated, truncated, info = env.step(arm)
            # --- the algorithm: learn from this one pull
            self.rule.update(arm, context[0], float(reward))
            if not run.step(float(reward), terminated, truncated, info):
                break
            obs, _ = env.reset()  # every episode is one step: the next context

    def _predict(self, obs: np.ndarray, deterministic: bool, masks: np.ndarray | None) -> np.ndarray:
        contexts = self.contexts(obs)
        if deterministic:
            return self.rule.greedy(contexts, masks).astype(np.int64)
        return self.rule.choose(contexts, self.rng, masks).astype(np.int64)

    def _state_dict(self) -> dict:
        return {"rule": self.rule.state()}

    def _load_state_dict(self, state: dict) -> None:
        self.rule.load_state(state["rule"])

    def expected_rewards(self, observation) -> np.ndarray:
        """The predicted reward θ_aᵀx of every arm for one observation (or a batch: one row each)."""
        self._check_observation(observation)
        batch, single = self._as_batch(observation)
        values = self.rule.estimates(self.contexts(batch))
        return values[0] if single else values


class LinUCB(LinearBanditAgent):
    """LinUCB with disjoint linear models (Li et al., 2010): the arm with the highest upper confidence bound.

    :param env: ChatbotFeedback-v0, or an env with one-step episodes, a 1-d Box observation and Discrete actions
    :param seed: seeds tie-breaking and the env's first reset
    :param hyperparameters: the fields of :class:`LinUCB.Config`
    """

    name = "linucb"
    rule_class = LinUCBRule

    @dataclasses.dataclass
    class Config:
        alpha: float = hyperparameter(1.0, Number(0))  # exploration: the bound is θᵀx + alpha·√(xᵀA⁻¹x); 0 is greedy
        regularization: float = hyperparameter(
            1.0, Number(0, low_open=True)
        )  # the ridge penalty λ: A starts at λI (a prior pulling θ towards 0)
        fit_intercept: bool = hyperparameter(True, Flag())  # append a constant 1 to the context (a per-arm bias)


class LinearThompsonSampling(LinearBanditAgent):
    """Linear Thompson sampling (Agrawal and Goyal, 2013): pull the arm of the best posterior draw.

    :param env: ChatbotFeedback-v0, or an env with one-step episodes, a 1-d Box observation and Discrete actions
    :param seed: seeds the posterior draws, tie-breaking and the env's first reset
    :param hyperparameters: the fields of :class:`LinearThompsonSampling.Config`
    """

    name = "lin-ts"
    rule_class = LinearTSRule

    @dataclasses.dataclass
    class Config:
        noise_std: float = hyperparameter(
            0.3, Number(0)
        )  # v: the reward noise the posterior assumes; draws are θ ± v·√(xᵀA⁻¹x); 0 is greedy
        regularization: float = hyperparameter(
            1.0, Number(0, low_open=True)
        )  # the ridge penalty λ: the prior is θ ~ N(0, v²/λ·I)
        fit_intercept: bool = hyperparameter(True, Flag())  # append a constant 1 to the context (a per-arm bias)
