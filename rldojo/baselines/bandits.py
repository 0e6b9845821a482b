"""Multi-armed bandit strategies: epsilon-greedy, UCB, Thompson sampling and the gradient bandit.

Each strategy is written once, as a *rule* that works on arrays of shape
``(n_problems, k)``: ``choose`` picks one arm per problem, ``update`` learns from the
rewards. The Agent classes (make_agent names ``bandit-epsilon-greedy``, ``bandit-ucb``,
``bandit-thompson``, ``bandit-gradient``) run their rule on one problem, ``Bandit-v0``;
:func:`testbed` runs the same rules on thousands of problems at once, so Sutton &
Barto's 10-armed testbed (2,000 problems x 1,000 steps) takes seconds::

    from rldojo.baselines import bandits

    result = bandits.testbed({"epsilon 0.1": ("bandit-epsilon-greedy", {"epsilon": 0.1}),
                              "UCB c=2": ("bandit-ucb", {"c": 2.0})}, n_problems=2000, n_steps=1000)
    result.window_mean("average_reward", "UCB c=2", 200, 1000)

    agent = bandits.UCB("Bandit-v0", seed=0, c=2.0).learn(1000)

On ``Bandit-v0`` an agent learns online: when a reset brings another problem than
the one it learned about (``info["problem_id"]`` changes) it forgets what it knew. ``predict(deterministic=True)`` is
the arm it believes best; ``deterministic=False`` is the arm its strategy would pull
next (an exploring choice), without learning from it.

The update
----------
Pull t is arm A with reward R; N(a) counts the pulls of arm a and S(a) sums its rewards::

    Q(A) ← Q(A) + β · (R − Q(A))         ε-greedy, UCB; β = 1/N(A) or alpha
    ε-greedy   A = argmax_a Q(a), or a random arm with probability ε
    UCB        A = argmax_a Q(a) + c · √(ln t / N(a))
    Thompson   A = argmax_a θ(a), θ(a) drawn from the posterior:
                 beta       θ(a) ~ Beta(1 + S(a), 1 + N(a) − S(a))
                 gaussian   θ(a) ~ N(μ(a), 1 / ρ(a))
                 ρ(a) = 1/σ0² + N(a)/σ²
                 μ(a) = (μ0/σ0² + S(a)/σ²) / ρ(a)
    gradient   A ~ π = softmax(H)
               H(a) ← H(a) + α · (R − B) · (1[a = A] − π(a))
               B    ← B + β · (R − B)    β = 1/t or baseline_alpha

UCB pulls every untried arm first. μ0, σ0 and σ are ``prior_mean``, ``prior_std`` and
``noise_std``. The gradient bandit moves every arm's preference; its baseline B starts at
the first reward (with ``use_baseline=False`` it stays 0).

- ``ActionValueRule.update``: Q and N.
- ``EpsilonGreedyRule.choose``, ``UCBRule.choose``: the pulls of epsilon-greedy and UCB.
- ``ThompsonRule.update``, ``ThompsonRule.choose``: N and S; the posterior draws.
- ``GradientRule.update``, ``GradientRule.choose``: H and B; the softmax draw.
- ``BanditAgent._learn``: one pull, then one update, on ``Bandit-v0``.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from rldojo.baselines.agent import Agent, Choice, Flag, Number, TrainingRun, check_config, hyperparameter
from rldojo.baselines.nets import env_name
from rldojo.baselines.registry import AGENTS, agent_class
from rldojo.envs.bandit.env import BanditEnv
from rldojo.envs.bandit.rules import ARM_KINDS, BERNOULLI, GAUSSIAN, KArmedBandit


def argmax_random_ties(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The argmax of each row, ties broken uniformly at random (not always the first arm)."""
    is_best = values == values.max(axis=1, keepdims=True)
    choice = is_best.argmax(axis=1)
    if np.count_nonzero(is_best) > len(values):  # some row has a tie (rare once every arm is tried)
        tied = np.flatnonzero(is_best.sum(axis=1) > 1)
        choice[tied] = np.argmax(is_best[tied] * rng.random((tied.size, values.shape[1])), axis=1)
    return choice


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and bool(np.isfinite(value))


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


# ====================================================================== the rules


class BanditRule:
    """A strategy's memory and decisions for ``n_problems`` independent k-armed problems."""

    def __init__(self, config, n_problems: int, k: int, arms: str = GAUSSIAN):
        self.config = config
        self.n_problems = n_problems
        self.k = k
        self.arms = arms
        self.rows = np.arange(n_problems)
        self.reset()

    def reset(self) -> None:
        """Forget everything: a new problem."""
        self.t = 0  # pulls made so far, the same in every problem

    def choose(self, rng: np.random.Generator) -> np.ndarray:
        """The arm to pull next in each problem (changes nothing but ``rng``)."""
        raise NotImplementedError

    def greedy(self) -> np.ndarray:
        """The arm believed best in each problem (the lowest index among equals)."""
        raise NotImplementedError

    def update(self, arms: np.ndarray, rewards: np.ndarray) -> None:
        """Learn from one pull in every problem."""
        raise NotImplementedError

    def state(self) -> dict:
        """The rule's arrays and step count, for a checkpoint."""
        return {
            name: value.copy() for name, value in vars(self).items() if isinstance(value, np.ndarray) and name != "rows"
        } | {"t": self.t}

    def load_state(self, state: dict) -> None:
        for name, value in state.items():
            if name == "t":
                self.t = int(value)
                continue
            current = getattr(self, name, None)
            if not isinstance(current, np.ndarray) or current.shape != np.shape(value):
                raise ValueError(f"state entry {name!r} does not fit this rule (k={self.k})")
            setattr(self, name, np.array(value, dtype=current.dtype))


class ActionValueRule(BanditRule):
    """Action-value estimates Q(a), learned by sample averages or a constant step size.

    Q(a) <- Q(a) + step * (R - Q(a)), with step = 1/N(a) (the sample average of the
    rewards so far, best when the problem is stationary) or a constant alpha (an
    exponential recency-weighted average, which follows a drifting problem).
    """

    def reset(self) -> None:
        super().reset()
        self.estimates = np.full((self.n_problems, self.k), float(self.config.initial_value))
        self.counts = np.zeros((self.n_problems, self.k))

    def greedy(self) -> np.ndarray:
        return self.estimates.argmax(axis=1)

    def update(self, arms: np.ndarray, rewards: np.ndarray) -> None:
        self.t += 1
        self.counts[self.rows, arms] += 1
        alpha = self.config.alpha
        step = 1.0 / self.counts[self.rows, arms] if alpha is None else alpha
        estimate = self.estimates[self.rows, arms]
        self.estimates[self.rows, arms] = estimate + step * (rewards - estimate)


class EpsilonGreedyRule(ActionValueRule):
    """With probability epsilon a uniformly random arm, else the best estimate (ties at random)."""

    def choose(self, rng: np.random.Generator) -> np.ndarray:
        explore = rng.random(self.n_problems) < self.config.epsilon
        random_arms = rng.integers(self.k, size=self.n_problems)
        return np.where(explore, random_arms, argmax_random_ties(self.estimates, rng))


class UCBRule(ActionValueRule):
    """Upper confidence bound: argmax Q(a) + c * sqrt(ln t / N(a)); every arm once first.

    An arm pulled rarely has a wide bound and gets tried; the bonus shrinks as N(a)
    grows, so exploration fades where it has paid off. c = sqrt(2) with rewards in
    [0, 1] is Auer et al.'s UCB1.
    """

    def choose(self, rng: np.random.Generator) -> np.ndarray:
        bonus = self.config.c * np.sqrt(np.log(self.t + 1) / np.maximum(self.counts, 1))
        upper = np.where(self.counts == 0, np.inf, self.estimates + bonus)  # untried arms first
        return argmax_random_ties(upper, rng)


class ThompsonRule(BanditRule):
    """Thompson sampling: draw a value for each arm from its posterior, pull the largest.

    - Beta prior (Bernoulli rewards): Beta(1 + successes, 1 + failures) per arm.
    - Gaussian prior (Gaussian rewards with known noise ``noise_std``): the posterior of
      q*(a) is N(mean, 1 / precision) with precision = 1/prior_std² + N(a)/noise_std².
    An arm is pulled about as often as it is likely to be the best, so exploration stops
    by itself once the posteriors separate.
    """

    def __init__(self, config, n_problems: int, k: int, arms: str = GAUSSIAN):
        self.prior = config.prior if config.prior != "auto" else ("beta" if arms == BERNOULLI else "gaussian")
        super().__init__(config, n_problems, k, arms)

    def reset(self) -> None:
        super().reset()
        self.counts = np.zeros((self.n_problems, self.k))
        self.reward_sums = np.zeros((self.n_problems, self.k))

    def posterior_mean(self) -> np.ndarray:
        cfg = self.config
        if self.prior == "beta":
            return (1.0 + self.reward_sums) / (2.0 + self.counts)
        precision = 1.0 / cfg.prior_std**2 + self.counts / cfg.noise_std**2
        return (cfg.prior_mean / cfg.prior_std**2 + self.reward_sums / cfg.noise_std**2) / precision

    def choose(self, rng: np.random.Generator) -> np.ndarray:
        if self.prior == "beta":
            samples = rng.beta(1.0 + self.reward_sums, 1.0 + self.counts - self.reward_sums)
        else:
            cfg = self.config
            precision = 1.0 / cfg.prior_std**2 + self.counts / cfg.noise_std**2
            samples = self.posterior_mean() + rng.standard_normal(self.counts.shape) / np.sqrt(precision)
        return samples.argmax(axis=1)

    def greedy(self) -> np.ndarray:
        return self.posterior_mean().argmax(axis=1)

    def update(self, arms: np.ndarray, rewards: np.ndarray) -> None:
        if self.prior == "beta" and ((rewards < 0) | (rewards > 1)).any():
            raise ValueError(
                "Thompson sampling with a beta prior needs rewards in [0, 1] (Bernoulli arms); "
                "use prior='gaussian' for other rewards"
            )
        self.t += 1
        self.counts[self.rows, arms] += 1
        self.reward_sums[self.rows, arms] += rewards  # a fractional reward counts as a partial success


class GradientRule(BanditRule):
    """The gradient bandit: softmax over preferences H(a), moved by stochastic gradient ascent.

    H(a) <- H(a) + alpha * (R - baseline) * (1[a = A] - pi(a)), with pi = softmax(H).
    A reward above the baseline (the average reward so far) makes the pulled arm more
    likely and the others less; without the baseline, only the sign of R would count.
    """

    def reset(self) -> None:
        super().reset()
        self.preferences = np.zeros((self.n_problems, self.k))
        self.baseline = np.zeros(self.n_problems)

    def probabilities(self) -> np.ndarray:
        shifted = np.exp(self.preferences - self.preferences.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)

    def choose(self, rng: np.random.Generator) -> np.ndarray:
        cumulative = self.probabilities().cumsum(axis=1)
        draws = rng.random((self.n_problems, 1)) * cumulative[:, -1:]
        return np.minimum((cumulative <= draws).sum(axis=1), self.k - 1)

    def greedy(self) -> np.ndarray:
        return self.preferences.argmax(axis=1)

    def update(self, arms: np.ndarray, rewards: np.ndarray) -> None:
        cfg = self.config
        self.t += 1
        if cfg.use_baseline and self.t == 1:
            self.baseline = rewards.astype(np.float64).copy()  # the first baseline is the first reward
        advantage = rewards - self.baseline if cfg.use_baseline else rewards
        one_hot = np.zeros_like(self.preferences)
        one_hot[self.rows, arms] = 1.0
        self.preferences += cfg.alpha * advantage[:, None] * (one_hot - self.probabilities())
        step = 1.0 / self.t if cfg.baseline_alpha is None else cfg.baseline_alpha
        self.baseline = self.baseline + step * (rewards - self.baseline)


# ====================================================================== the agents


def _bandit_arms(env) -> str:
    """The arm kind of a Bandit-v0 env ("gaussian" for anything else)."""
    arms = getattr(getattr(env, "unwrapped", env), "arms", GAUSSIAN)
    return arms if arms in ARM_KINDS else GAUSSIAN


class BanditAgent(Agent):
    """What the four bandit agents share: run the rule on one problem, online.

    The observation is ignored (a bandit has one state); the action space must be
    ``Discrete(k)``. When a reset brings another problem (``info["problem_id"]``) the rule forgets.
    """

    rule_class: ClassVar[type[BanditRule]] = BanditRule

    def _setup(self) -> None:
        if not isinstance(getattr(self.env, "unwrapped", self.env), BanditEnv):
            raise ValueError(
                f"{type(self).__name__} ({self.name}) cannot play {env_name(self.env)}: it needs a Bandit-v0 env"
            )
        self.k = int(self.action_space.n)
        if self.seed is not None:
            # Agent seeds its generator and the env's first reset with the same seed, which makes
            # both the same stream: Thompson's noise would then match the env's reward noise.
            self.rng = np.random.default_rng(np.random.SeedSequence(self.seed).spawn(1)[0])
        self.rule = self.rule_class(self.config, n_problems=1, k=self.k, arms=_bandit_arms(self.env))
        self.problem_id: int | None = None  # the Bandit-v0 problem the rule has learned about

    def _meet_problem(self, info: dict) -> None:
        """Forget what was learned when a reset brings another problem than the one learned about."""
        problem_id = info.get("problem_id")
        if problem_id is None:  # not Bandit-v0: trust its new_problem flag, if any
            if info.get("new_problem", False):
                self.rule.reset()
            return
        if problem_id != self.problem_id:
            self.rule.reset()
            self.problem_id = int(problem_id)

    def _learn(self, total_timesteps: int, run: TrainingRun) -> None:
        env = self.env
        if isinstance(self.rule, EpsilonGreedyRule):
            run.epsilon = self.config.epsilon  # for the episode log
        _, info = self.reset_env()
        self._meet_problem(info)
        while True:
            arm = self.rule.choose(self.rng)
            _, reward, terminated, truncated, info = env.step(int(arm[0]))
            # --- the algorithm: learn from this one pull
            self.rule.update(arm, np.array([float(reward)]))
            if not run.step(float(reward), terminated, truncated, info):
                break
            if terminated or truncated:
                _, info = env.reset()
                self._meet_problem(info)

    def _predict(self, obs: np.ndarray, deterministic: bool, masks: np.ndarray | None) -> np.ndarray:
        n = len(obs)
        if deterministic:
            arm = int(self.rule.greedy()[0])
            return np.full(n, arm, dtype=np.int64)
        return np.array([int(self.rule.choose(self.rng)[0]) for _ in range(n)], dtype=np.int64)

    def _state_dict(self) -> dict:
        return {"rule": self.rule.state(), "problem_id": self.problem_id}

    def _load_state_dict(self, state: dict) -> None:
        self.rule.load_state(state["rule"])
        self.problem_id = state["problem_id"]

    @property
    def estimates(self) -> np.ndarray:
        """What the agent believes each arm is worth (its Q, posterior mean or preference)."""
        rule = self.rule
        if isinstance(rule, ThompsonRule):
            return rule.posterior_mean()[0].copy()
        if isinstance(rule, GradientRule):
            return rule.preferences[0].copy()
        return rule.estimates[0].copy()


class EpsilonGreedy(BanditAgent):
    """Epsilon-greedy action values, with sample averages or a constant step size.

    ``initial_value`` above any real value (say 5 on the 10-armed testbed) is
    *optimistic initial values*: every arm disappoints at first, so even a greedy
    agent (epsilon = 0) tries them all. Use it with a constant ``alpha``: a sample
    average forgets the initial value after the first pull.
    """

    name = "bandit-epsilon-greedy"
    rule_class = EpsilonGreedyRule

    @dataclass
    class Config:
        epsilon: float = hyperparameter(0.1, Number(0, 1))  # probability of pulling a uniformly random arm
        alpha: float | None = hyperparameter(
            None, Number(0, 1, low_open=True, optional=True)
        )  # constant step size in (0, 1]; None for sample averages
        initial_value: float = hyperparameter(0.0, Number())  # Q(a) before any pull; high for optimistic initial values


class UCB(BanditAgent):
    """Upper-confidence-bound action selection (UCB1 when c = sqrt(2))."""

    name = "bandit-ucb"
    rule_class = UCBRule

    @dataclass
    class Config:
        c: float = hyperparameter(2.0, Number(0))  # exploration weight of the confidence bonus, >= 0
        alpha: float | None = hyperparameter(
            None, Number(0, 1, low_open=True, optional=True)
        )  # constant step size in (0, 1]; None for sample averages
        initial_value: float = hyperparameter(
            0.0, Number()
        )  # Q(a) before any pull (each arm is pulled once first anyway)


THOMPSON_PRIORS = ("auto", "gaussian", "beta")


class ThompsonSampling(BanditAgent):
    """Thompson sampling with a Beta prior (Bernoulli arms) or a Gaussian one (Gaussian arms)."""

    name = "bandit-thompson"
    rule_class = ThompsonRule

    @dataclass
    class Config:
        prior: str = hyperparameter(
            "auto", Choice(*THOMPSON_PRIORS)
        )  # "beta", "gaussian", or "auto": beta on bernoulli arms, else gaussian
        prior_mean: float = hyperparameter(0.0, Number())  # gaussian prior's mean of q*(a)
        prior_std: float = hyperparameter(1.0, Number(0, low_open=True))  # gaussian prior's standard deviation of q*(a)
        noise_std: float = hyperparameter(
            1.0, Number(0, low_open=True)
        )  # the reward noise's standard deviation, assumed known


class GradientBandit(BanditAgent):
    """The gradient bandit: softmax preferences moved by (reward - baseline)."""

    name = "bandit-gradient"
    rule_class = GradientRule

    @dataclass
    class Config:
        alpha: float = hyperparameter(0.1, Number(0, low_open=True))  # step size of the preference update, > 0
        use_baseline: bool = hyperparameter(True, Flag())  # compare rewards with the average reward (False: with 0)
        baseline_alpha: float | None = hyperparameter(
            None, Number(0, 1, low_open=True, optional=True)
        )  # constant step size of the baseline; None: the plain average


# ====================================================================== the testbed


@dataclass
class TestbedResult:
    """Curves of :func:`testbed`: one array of ``n_steps`` values per strategy label, averaged over problems."""

    __test__ = False  # not a pytest test class, despite the name

    n_problems: int
    n_steps: int
    k: int
    arms: str
    nonstationary: bool
    seed: int
    average_reward: dict[str, np.ndarray] = field(default_factory=dict)  # mean reward at each step
    percent_optimal: dict[str, np.ndarray] = field(default_factory=dict)  # % of problems pulling the best arm
    regret: dict[str, np.ndarray] = field(default_factory=dict)  # mean pseudo-regret at each step

    @property
    def labels(self) -> list[str]:
        return list(self.average_reward)

    def window_mean(self, metric: str, label: str, start: int = 0, stop: int | None = None) -> float:
        """The mean of ``metric`` ("average_reward", "percent_optimal" or "regret") over steps [start, stop)."""
        curves = {"average_reward": self.average_reward, "percent_optimal": self.percent_optimal, "regret": self.regret}
        if metric not in curves:
            raise ValueError(f"metric must be one of {', '.join(map(repr, curves))}, got {metric!r}")
        if label not in curves[metric]:
            raise ValueError(f"no strategy labelled {label!r}; the labels are {self.labels}")
        return float(curves[metric][label][start:stop].mean())

    def cumulative_regret(self, label: str) -> np.ndarray:
        """The mean cumulative regret after each step."""
        return np.cumsum(self.regret[label])


def _strategy_class(spec) -> type[BanditAgent]:
    if isinstance(spec, type) and issubclass(spec, BanditAgent):
        return spec
    if isinstance(spec, str):
        bandit_names = sorted(n for n in AGENTS if n.startswith("bandit-"))
        if spec not in bandit_names:
            raise ValueError(f"unknown bandit strategy {spec!r}; the strategies are {', '.join(bandit_names)}")
        return agent_class(spec)
    raise ValueError(
        f"a strategy is a bandit agent name, a BanditAgent class or a (name or class, kwargs) pair, got {spec!r}"
    )


def make_rule(spec, n_problems: int, k: int, arms: str = GAUSSIAN) -> BanditRule:
    """The vectorised rule of a strategy spec: ``"bandit-ucb"``, ``UCB``, or ``("bandit-ucb", {"c": 2})``."""
    kwargs: Mapping = {}
    if isinstance(spec, tuple):
        _check(
            len(spec) == 2 and isinstance(spec[1], Mapping),
            f"a strategy pair is (name or class, kwargs dict), got {spec!r}",
        )
        spec, kwargs = spec
    cls = _strategy_class(spec)
    known = {f.name for f in dataclasses.fields(cls.Config)}
    unknown = sorted(set(kwargs) - known)
    _check(
        not unknown,
        f"{cls.__name__} has no hyperparameter {', '.join(map(repr, unknown))}; "
        f"its hyperparameters are: {', '.join(sorted(known))}",
    )
    config = cls.Config(**kwargs)
    check_config(config)
    return cls.rule_class(config, n_problems=n_problems, k=k, arms=arms)


def testbed(
    strategies: Mapping[str, object],
    n_problems: int = 2000,
    n_steps: int = 1000,
    k: int = 10,
    arms: str = GAUSSIAN,
    nonstationary: bool = False,
    drift: float = 0.01,
    seed: int = 0,
) -> TestbedResult:
    """Run every strategy on the same ``n_problems`` bandit problems for ``n_steps`` pulls each.

    All problems advance together as numpy arrays, one row a problem. Every strategy
    meets the same problems, reward noise and drift (the same ``seed``), so their curves
    differ only by what the strategies do.

    :param strategies: label -> a bandit agent name (``"bandit-ucb"``), a class (``UCB``),
        or a (name or class, hyperparameters) pair
    :param n_problems: independent problems to average over
    :param n_steps: pulls per problem
    :param k: arms per problem
    :param arms: "gaussian" (q* ~ N(0, 1), rewards N(q*, 1)) or "bernoulli" (q* ~ U(0, 1))
    :param nonstationary: let q* drift by N(0, drift²) after every pull
    :param drift: the random walk's standard deviation per pull
    :param seed: seeds the problems (and, separately, the strategies' own randomness)
    :returns: a :class:`TestbedResult` with the average reward, % optimal action and regret per step
    """
    _check(
        isinstance(strategies, Mapping) and len(strategies) > 0,
        "strategies must be a non-empty dict of label -> strategy",
    )
    _check(
        isinstance(n_steps, (int, np.integer)) and n_steps >= 1, f"n_steps must be a positive integer, got {n_steps!r}"
    )
    result = TestbedResult(
        n_problems=n_problems, n_steps=n_steps, k=k, arms=arms, nonstationary=nonstationary, seed=seed
    )
    for label, spec in strategies.items():
        bandit = KArmedBandit(k=k, arms=arms, nonstationary=nonstationary, drift=drift, n_problems=n_problems)
        rule = make_rule(spec, n_problems, k, arms)
        # The same problem stream for every strategy; the strategy's own coin flips apart.
        problem_rng, strategy_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
        bandit.draw_values(problem_rng)
        rewards_curve = np.empty(n_steps)
        optimal_curve = np.empty(n_steps)
        regret_curve = np.empty(n_steps)
        for step in range(n_steps):
            chosen = rule.choose(strategy_rng)
            rewards, regrets, optimal = bandit.pull(chosen, problem_rng)
            rule.update(chosen, rewards)
            rewards_curve[step] = rewards.sum()  # sums here, means below: fewer calls on the hot path
            optimal_curve[step] = np.count_nonzero(chosen == optimal)
            regret_curve[step] = regrets.sum()
        result.average_reward[label] = rewards_curve / n_problems
        result.percent_optimal[label] = optimal_curve * (100.0 / n_problems)
        result.regret[label] = regret_curve / n_problems
    return result


testbed.__test__ = False  # a function named test* that pytest must not collect
