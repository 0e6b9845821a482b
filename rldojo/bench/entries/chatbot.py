"""Benchmark entries for ChatbotFeedback-v0: the course's toy and the text corpus.

Every agent trains on the oracle rater's scores; the metric
(:func:`rldojo.envs.chatbot.evaluation.chatbot_metric`) judges its greedy response on
every query of the corpus (or on 1000 fixed random queries for the toy) by the oracle:

- ``score_fraction`` (the headline): its mean true score as a fraction of the oracle's;
- ``regret``: the oracle's mean score minus its own;
- ``mean_true_score``, ``best_response_rate``, and ``query_blind_score`` (the best a
  policy that ignores the query can do: 10 on the toy, 5.29 on the corpus).
"""

from __future__ import annotations

from rldojo.baselines.hyperparams.chatbot import TEXT_OVERRIDES
from rldojo.bench.suites import AgentSpec, Entry

METRIC = "rldojo.envs.chatbot.evaluation:chatbot_metric"
AGENTS = ("reinforce", "ppo", "sb3-ppo", "sb3-dqn")

COURSE_BUDGET = {"quick": 1_000, "full": 5_000}  # 1000 queries = the course's 100 updates of 10
TEXT_BUDGET = {"quick": 4_000, "full": 20_000}

ENTRIES = [
    Entry(
        label="ChatbotFeedback-v0/course",
        env_id="ChatbotFeedback-v0",
        env_kwargs={},
        agents=[AgentSpec(agent=name, timesteps=dict(COURSE_BUDGET)) for name in AGENTS],
        metric=METRIC,
        headline="score_fraction",
        solved_at=0.99,
        eval_points=5,
    ),
    Entry(
        label="ChatbotFeedback-v0/text",
        env_id="ChatbotFeedback-v0",
        env_kwargs={"queries": "text"},
        agents=[
            AgentSpec(agent=name, timesteps=dict(TEXT_BUDGET), agent_kwargs=dict(TEXT_OVERRIDES.get(name, {})))
            for name in AGENTS
        ],
        metric=METRIC,
        headline="score_fraction",
        solved_at=0.9,
        eval_points=5,
    ),
]
