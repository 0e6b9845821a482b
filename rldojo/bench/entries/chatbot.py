"""Benchmark entries for ChatbotFeedback-v0: the course's toy and the text corpus.

Every agent trains on the oracle rater's scores (LinUCB and linear Thompson sampling, ``linucb``
and ``lin-ts``, learn from them online as contextual bandits); the metric
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
# linucb, lin-ts: contextual bandits (rldojo.baselines.linear_bandits); SB3 has no such family
AGENTS = ("reinforce", "ppo", "sb3-ppo", "sb3-dqn", "linucb", "lin-ts")
COUNTERPARTS = {"reinforce": "sb3-ppo", "ppo": "sb3-ppo"}  # the policy-gradient family
# score_fraction of a uniformly random response: python -m rldojo.bench.reference --seeds 2, 2026-12-01
RANDOM = {"course": 0.4369, "text": 0.27548}

COURSE_BUDGET = {"quick": 1_000, "full": 5_000}  # 1000 queries = the course's 100 updates of 10
TEXT_BUDGET = {"quick": 4_000, "full": 20_000}

ENTRIES = [
    Entry(
        label="ChatbotFeedback-v0/course",
        env_id="ChatbotFeedback-v0",
        env_kwargs={},
        agents=[
            AgentSpec(agent=name, timesteps=dict(COURSE_BUDGET), counterpart=COUNTERPARTS.get(name)) for name in AGENTS
        ],
        metric=METRIC,
        headline="score_fraction",
        solved_at=0.99,
        random_score=RANDOM["course"],
        eval_points=5,
    ),
    Entry(
        label="ChatbotFeedback-v0/text",
        env_id="ChatbotFeedback-v0",
        env_kwargs={"queries": "text"},
        agents=[
            AgentSpec(
                agent=name,
                timesteps=dict(TEXT_BUDGET),
                agent_kwargs=dict(TEXT_OVERRIDES.get(name, {})),
                counterpart=COUNTERPARTS.get(name),
            )
            for name in AGENTS
        ],
        metric=METRIC,
        headline="score_fraction",
        solved_at=0.9,
        random_score=RANDOM["text"],
        eval_points=5,
    ),
]
