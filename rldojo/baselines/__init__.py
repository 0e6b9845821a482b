"""rldojo's agents: hand-written ones a student can read in one sitting, and stable-baselines3's beside them.

Every agent has stable-baselines3's face (:class:`Agent`)::

    from rldojo.baselines import DQN, make_agent, load_agent
    agent = make_agent("dqn", "CartPole-v1", seed=0).learn(20_000)
    agent.save("dqn.pt"); agent = load_agent("dqn.pt")

The SB3 agents (``make_agent("sb3-ppo", ...)``) live in :mod:`rldojo.baselines.sb3` and need
the ``sb3`` extra.
"""

from rldojo.baselines.a2c import A2C
from rldojo.baselines.agent import Agent
from rldojo.baselines.bandits import UCB, EpsilonGreedy, GradientBandit, ThompsonSampling
from rldojo.baselines.cfr import CFR, CFRPlus
from rldojo.baselines.dqn import DQN
from rldojo.baselines.evaluation import EvaluationResult, evaluate
from rldojo.baselines.hyperparams import defaults
from rldojo.baselines.linear_bandits import LinearThompsonSampling, LinUCB
from rldojo.baselines.logging import Callback
from rldojo.baselines.mcts import MCTS
from rldojo.baselines.ppo import PPO
from rldojo.baselines.registry import AGENTS, agent_class, load_agent, make_agent
from rldojo.baselines.reinforce import Reinforce
from rldojo.baselines.selfplay import SelfPlaySarsa
from rldojo.baselines.tabular import ExpectedSarsa, QLearning, Sarsa

__all__ = [
    "A2C",
    "AGENTS",
    "CFR",
    "DQN",
    "MCTS",
    "PPO",
    "UCB",
    "Agent",
    "CFRPlus",
    "Callback",
    "EpsilonGreedy",
    "EvaluationResult",
    "ExpectedSarsa",
    "GradientBandit",
    "LinUCB",
    "LinearThompsonSampling",
    "QLearning",
    "Reinforce",
    "Sarsa",
    "SelfPlaySarsa",
    "ThompsonSampling",
    "agent_class",
    "defaults",
    "evaluate",
    "load_agent",
    "make_agent",
]
