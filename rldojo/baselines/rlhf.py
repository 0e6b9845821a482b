"""RLHF in miniature: the three steps of the course's ChatGPT slide, on ChatbotFeedback-v0, on a CPU in minutes.

1. **Supervised policy from demonstrations.** Queries are sampled; the rater (a labeler)
   shows the response they would give (``env.demonstrate()``); a policy network learns to
   copy them with cross-entropy. Demonstrations are expensive, so there are few of them,
   and a noisy labeler sometimes shows a poor answer: the supervised policy is imperfect.
2. **Reward model from comparisons.** For sampled queries, two responses are shown and the
   rater says which is better (``env.prefer(a, b)``). A reward model r(query, response) is
   fitted with the Bradley-Terry loss ``-log sigmoid(r(x, winner) - r(x, loser))``. Its
   accuracy is measured on held-out comparisons it never trained on.
3. **The policy optimised against the reward model** with REINFORCE (the course's
   batch-mean baseline) or PPO (clipped ratio), starting from the supervised policy, with
   a KL penalty that keeps it near the supervised policy: the reward of a sampled
   response is ``r(x, a) - kl_coef * (log pi(a|x) - log pi_SFT(a|x))``, as in InstructGPT.

After each step the pipeline reports the policy's true score: the oracle's mean score of
its greedy response over the whole corpus (or, for the course's toy, over fixed random
queries), next to the oracle's own score and the best query-blind score.

    rldojo rlhf --rater noisy --demonstrations 60 --comparisons 2000 --algorithm reinforce
    python -m rldojo.baselines.rlhf --json
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from rldojo.baselines.nets import mlp
from rldojo.envs.chatbot.env import ChatbotFeedbackEnv
from rldojo.envs.chatbot.evaluation import evaluation_queries

ALGORITHMS = ("reinforce", "ppo")


@dataclass
class PipelineConfig:
    """Every knob of the pipeline, with the defaults ``run_pipeline`` uses."""

    queries: str = "text"  # "text" (the corpus) or "course" (the toy)
    rater: object = "noisy"  # "oracle", "noisy", "human" or a Rater: who demonstrates and compares
    embedder: str | None = None  # text mode: "hashed" (default) or "minilm"
    embedding_dim: int | None = None  # the observation length (None: the env's default)
    n_demonstrations: int = 40  # step 1: queries the labeler answers (few: they are expensive)
    n_comparisons: int = 4000  # step 2: pairs of responses the labeler ranks
    heldout_fraction: float = 0.2  # share of comparisons kept aside to measure the reward model
    algorithm: str = "reinforce"  # step 3: "reinforce" or "ppo"
    kl_coef: float = 0.5  # weight of the KL penalty to the supervised policy (0.2 to 1 did best, see docs)
    rl_updates: int = 300  # step 3: policy updates
    rl_batch: int = 64  # step 3: queries per update
    hidden_sizes: tuple[int, ...] = (64,)  # hidden layers of the policy and of the reward model
    sft_epochs: int = 300  # step 1: full-batch passes over the demonstrations
    rm_epochs: int = 30  # step 2: passes over the training comparisons (few: more overfits)
    learning_rate: float = 3e-3  # Adam step size of all three steps
    ppo_epochs: int = 4  # PPO: passes over each batch
    clip_epsilon: float = 0.2  # PPO: how far the probability ratio may move from 1
    n_eval: int = 1000  # course mode: random queries the true score is measured on
    seed: int = 0


# --------------------------------------------------------------------------- helpers


def as_tensor(observations) -> torch.Tensor:
    """Observations as a float32 tensor (a copy)."""
    return torch.tensor(np.asarray(observations, dtype=np.float32))  # a copy: the corpus embeddings are read-only


def make_env(cfg: PipelineConfig) -> ChatbotFeedbackEnv:
    """The environment the pipeline collects its demonstrations and comparisons from."""
    kwargs = {"queries": cfg.queries, "rater": cfg.rater}
    if cfg.embedder is not None:
        kwargs["embedder"] = cfg.embedder
    if cfg.embedding_dim is not None:
        kwargs["embedding_dim"] = cfg.embedding_dim
    return ChatbotFeedbackEnv(**kwargs)


def evaluation_set(env: ChatbotFeedbackEnv, n_eval: int, seed: int):
    """The queries the true score is measured on: the whole corpus, or ``n_eval`` fixed random vectors."""
    observations, queries = evaluation_queries(env, n_eval, seed + 7919)
    return as_tensor(observations), queries


def true_score(policy: nn.Module, env: ChatbotFeedbackEnv, eval_set) -> float:
    """The oracle's mean score of the policy's greedy responses on the evaluation set."""
    observations, queries = eval_set
    with torch.no_grad():
        actions = policy(observations).argmax(dim=1).tolist()
    return float(np.mean([env.task.oracle_score(q, a) for q, a in zip(queries, actions, strict=True)]))


class _Greedy(nn.Module):
    """Scores as logits: the policy that picks the reward model's favourite response."""

    def __init__(self, reward_model: nn.Module):
        super().__init__()
        self.reward_model = reward_model

    def forward(self, x):
        return self.reward_model(x)


# --------------------------------------------------------------------------- step 1


def collect_demonstrations(env: ChatbotFeedbackEnv, n: int):
    """``n`` (query observation, demonstrated response) pairs from the rater, and the share that were the best."""
    observations, actions, best = [], [], []
    for _ in range(n):
        obs, _ = env.reset()
        observations.append(obs)
        actions.append(env.demonstrate())
        best.append(env.task.oracle_score(env.query, actions[-1]) >= env.task.best_score(env.query))
    return as_tensor(observations), torch.as_tensor(actions, dtype=torch.int64), float(np.mean(best))


def train_supervised(observations, actions, n_inputs: int, n_actions: int, cfg: PipelineConfig) -> nn.Module:
    """Step 1: a policy network that imitates the demonstrations (cross-entropy)."""
    policy = mlp(n_inputs, cfg.hidden_sizes, n_actions)
    optimizer = torch.optim.Adam(policy.parameters(), lr=cfg.learning_rate)
    for _ in range(cfg.sft_epochs):
        loss = nn.functional.cross_entropy(policy(observations), actions)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return policy


# --------------------------------------------------------------------------- step 2


def collect_comparisons(env: ChatbotFeedbackEnv, n: int, rng: np.random.Generator):
    """``n`` comparisons: a query, two different responses (drawn uniformly), and which one won."""
    n_actions = env.task.n_responses
    observations, winners, losers, oracle_winners_better = [], [], [], []
    for _ in range(n):
        obs, _ = env.reset()
        a, b = rng.choice(n_actions, size=2, replace=False)
        preferred = env.prefer(int(a), int(b))
        winner, loser = (a, b) if preferred == 0 else (b, a)
        observations.append(obs)
        winners.append(int(winner))
        losers.append(int(loser))
        # +1 if the oracle agrees with the label, -1 if it disagrees, 0 on an exact tie.
        gap = env.task.oracle_score(env.query, winner) - env.task.oracle_score(env.query, loser)
        oracle_winners_better.append(int(np.sign(gap)))
    return (
        as_tensor(observations),
        torch.as_tensor(winners),
        torch.as_tensor(losers),
        torch.as_tensor(oracle_winners_better),
    )


def bradley_terry_loss(reward_model: nn.Module, observations, winners, losers) -> torch.Tensor:
    """-log P(winner preferred) with P = sigmoid(r(x, winner) - r(x, loser))."""
    rewards = reward_model(observations)
    margin = rewards.gather(1, winners[:, None]) - rewards.gather(1, losers[:, None])
    return -nn.functional.logsigmoid(margin).mean()


def train_reward_model(observations, winners, losers, n_inputs: int, n_actions: int, cfg: PipelineConfig) -> nn.Module:
    """Step 2: a reward model r(x, .) (one output per response) fitted on comparisons."""
    reward_model = mlp(n_inputs, cfg.hidden_sizes, n_actions)
    optimizer = torch.optim.Adam(reward_model.parameters(), lr=cfg.learning_rate)
    batch = 256
    generator = torch.Generator().manual_seed(cfg.seed)
    for _ in range(cfg.rm_epochs):
        order = torch.randperm(len(winners), generator=generator)
        for start in range(0, len(order), batch):
            idx = order[start : start + batch]
            loss = bradley_terry_loss(reward_model, observations[idx], winners[idx], losers[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return reward_model


def pairwise_accuracy(reward_model: nn.Module, observations, winners, losers, oracle_sign=None) -> float:
    """The share of comparisons the reward model orders as the label does (or as the oracle does)."""
    with torch.no_grad():
        rewards = reward_model(observations)
        margin = (rewards.gather(1, winners[:, None]) - rewards.gather(1, losers[:, None])).squeeze(1)
    if oracle_sign is None:
        return float((margin > 0).float().mean())
    decided = oracle_sign != 0  # exact ties in the oracle's table say nothing
    agree = torch.sign(margin[decided]) == oracle_sign[decided].float()
    return float(agree.float().mean()) if decided.any() else float("nan")


# --------------------------------------------------------------------------- step 3


def optimise_policy(
    env: ChatbotFeedbackEnv,
    sft_policy: nn.Module,
    reward_model: nn.Module,
    cfg: PipelineConfig,
    eval_set=None,
    group_size: int = 1,
    advantage_fn: Callable[[torch.Tensor], torch.Tensor] | None = None,
    on_update: Callable[[int, nn.Module], None] | None = None,
) -> tuple[nn.Module, dict]:
    """Step 3: policy gradient on the reward model's rewards minus a KL penalty to the SFT policy.

    :param group_size: responses sampled per query; each update answers ``rl_batch // group_size``
        queries ``group_size`` times each (1: every query once, the pipeline's default)
    :param advantage_fn: maps the rewards, shaped (queries, group_size), to advantages of the same
        shape; None uses the course's baseline, the batch mean (group-relative baselines:
        :mod:`rldojo.baselines.preference`)
    :param on_update: called as ``on_update(update, policy)`` after every update (1-based), e.g.
        to measure the policy at checkpoints
    """
    policy = copy.deepcopy(sft_policy)
    reference = copy.deepcopy(sft_policy).requires_grad_(False)
    reward_model = reward_model.requires_grad_(False)
    optimizer = torch.optim.Adam(policy.parameters(), lr=cfg.learning_rate)
    n_queries = max(1, cfg.rl_batch // group_size)
    curve = []
    for update in range(cfg.rl_updates):
        # The policy answers a batch of new queries; the reward model scores the answers.
        observations = as_tensor([env.reset()[0] for _ in range(n_queries)])
        observations = observations.repeat_interleave(group_size, dim=0)  # a group: one query answered k times
        with torch.no_grad():
            old_log_probs_all = torch.log_softmax(policy(observations), dim=1)
            actions = torch.distributions.Categorical(logits=old_log_probs_all).sample()
            old_log_probs = old_log_probs_all.gather(1, actions[:, None]).squeeze(1)
            ref_log_probs = torch.log_softmax(reference(observations), dim=1).gather(1, actions[:, None]).squeeze(1)
            rm_rewards = reward_model(observations).gather(1, actions[:, None]).squeeze(1)
            # InstructGPT's per-sample KL penalty keeps the policy near what the labelers showed.
            rewards = rm_rewards - cfg.kl_coef * (old_log_probs - ref_log_probs)
            if advantage_fn is None:
                advantages = rewards - rewards.mean()  # the course's baseline: the batch mean
            else:
                advantages = advantage_fn(rewards.view(n_queries, group_size)).reshape(-1)
        if cfg.algorithm == "reinforce":
            log_probs = torch.log_softmax(policy(observations), dim=1).gather(1, actions[:, None]).squeeze(1)
            loss = -(log_probs * advantages).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        else:  # PPO: several clipped passes over the same batch
            advantages = advantages / (advantages.std() + 1e-8)
            for _ in range(cfg.ppo_epochs):
                log_probs = torch.log_softmax(policy(observations), dim=1).gather(1, actions[:, None]).squeeze(1)
                ratio = torch.exp(log_probs - old_log_probs)
                clipped = torch.clamp(ratio, 1 - cfg.clip_epsilon, 1 + cfg.clip_epsilon)
                loss = -torch.min(ratio * advantages, clipped * advantages).mean()
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        if on_update is not None:
            on_update(update + 1, policy)
        if eval_set is not None and (update + 1) % max(1, cfg.rl_updates // 10) == 0:
            curve.append(
                {
                    "update": update + 1,
                    "true_score": true_score(policy, env, eval_set),
                    "reward_model_reward": float(rm_rewards.mean()),
                }
            )
    return policy, {"curve": curve}


def mean_kl(policy: nn.Module, reference: nn.Module, observations) -> float:
    """Mean KL(pi || pi_SFT) over the observations, in nats."""
    with torch.no_grad():
        log_p = torch.log_softmax(policy(observations), dim=1)
        log_q = torch.log_softmax(reference(observations), dim=1)
        return float((log_p.exp() * (log_p - log_q)).sum(dim=1).mean())


# --------------------------------------------------------------------------- the pipeline


def make_config(**kwargs) -> PipelineConfig:
    """A checked :class:`PipelineConfig`: unknown names and bad values raise a ValueError naming them."""
    unknown = sorted(set(kwargs) - {f for f in PipelineConfig.__dataclass_fields__})
    if unknown:
        raise ValueError(
            f"run_pipeline has no argument {', '.join(map(repr, unknown))}; its arguments are: "
            f"{', '.join(PipelineConfig.__dataclass_fields__)}"
        )
    cfg = PipelineConfig(**kwargs)
    cfg.hidden_sizes = tuple(int(h) for h in cfg.hidden_sizes)
    if cfg.algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {', '.join(ALGORITHMS)}, got {cfg.algorithm!r}")
    for name in ("n_demonstrations", "n_comparisons", "rl_updates", "rl_batch"):
        if int(getattr(cfg, name)) < 1:
            raise ValueError(f"{name} must be a positive integer, got {getattr(cfg, name)}")
    if not 0.0 < cfg.heldout_fraction < 1.0:
        raise ValueError(f"heldout_fraction must be between 0 and 1, got {cfg.heldout_fraction}")
    return cfg


@dataclass
class PipelineData:
    """What steps 1 and 2 produce: the env, the data the labeler gave, the SFT policy and the reward model.

    The comparisons are split in order: the first ``n_train`` train the reward model, the rest
    (``heldout``) measure it. Other methods (:mod:`rldojo.baselines.preference`) learn from the
    same demonstrations and comparisons.
    """

    cfg: PipelineConfig
    env: ChatbotFeedbackEnv
    eval_set: tuple  # (observations, queries) the true score is measured on
    sft: nn.Module
    demonstrations_best: float  # the share of demonstrations that were the oracle's best response
    observations: torch.Tensor  # the comparisons: query observation, winner, loser, and
    winners: torch.Tensor
    losers: torch.Tensor
    oracle_sign: torch.Tensor  # +1 where the oracle agrees with the label, -1 where not, 0 on a tie
    n_train: int
    reward_model: nn.Module

    @property
    def train(self) -> slice:
        return slice(0, self.n_train)

    @property
    def heldout(self) -> slice:
        return slice(self.n_train, None)


def prepare(cfg: PipelineConfig) -> PipelineData:
    """Steps 1 and 2: collect demonstrations and comparisons, fit the SFT policy and the reward model."""
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    env = make_env(cfg)
    env.reset(seed=cfg.seed)
    n_inputs, n_actions = env.embedding_dim, env.task.n_responses
    eval_set = evaluation_set(env, cfg.n_eval, cfg.seed)

    # Step 1: demonstrations -> supervised policy.
    demo_obs, demo_actions, demo_best = collect_demonstrations(env, cfg.n_demonstrations)
    sft = train_supervised(demo_obs, demo_actions, n_inputs, n_actions, cfg)

    # Step 2: comparisons -> reward model, measured on held-out comparisons.
    obs, winners, losers, oracle_sign = collect_comparisons(env, cfg.n_comparisons, rng)
    n_heldout = max(1, round(cfg.heldout_fraction * cfg.n_comparisons))
    n_train = cfg.n_comparisons - n_heldout
    if n_train < 1:
        raise ValueError("too few comparisons to keep some aside: raise n_comparisons")
    reward_model = train_reward_model(obs[:n_train], winners[:n_train], losers[:n_train], n_inputs, n_actions, cfg)
    return PipelineData(cfg, env, eval_set, sft, demo_best, obs, winners, losers, oracle_sign, n_train, reward_model)


def run_pipeline(**kwargs) -> dict:
    """Run the three steps and return what they measured (see :class:`PipelineConfig` for the arguments).

    The result holds ``oracle_score`` and ``query_blind_score`` (the ceilings), the true score
    after each step (``sft_score``, ``reward_model_greedy_score``, ``rlhf_score``, and the same as
    a fraction of the oracle's), the reward model's held-out accuracy against the rater's labels
    (``rm_heldout_accuracy``) and against the oracle's order (``rm_heldout_oracle_accuracy``),
    the final ``kl_to_sft`` in nats, the learning ``curve`` of step 3, the ``config`` and ``seconds``.
    """
    cfg = make_config(**kwargs)
    started = time.perf_counter()
    data = prepare(cfg)
    env, eval_set, sft, reward_model = data.env, data.eval_set, data.sft, data.reward_model
    obs, winners, losers, oracle_sign = data.observations, data.winners, data.losers, data.oracle_sign
    n_train, demo_best, held = data.n_train, data.demonstrations_best, data.heldout
    n_heldout = cfg.n_comparisons - n_train

    # Step 3: the policy against the reward model, with the KL penalty.
    policy, log = optimise_policy(env, sft, reward_model, cfg, eval_set)

    oracle = env.task.oracle_mean_score()
    result = {
        "oracle_score": oracle,
        "query_blind_score": env.task.query_blind_score(),
        "sft_score": true_score(sft, env, eval_set),
        "reward_model_greedy_score": true_score(_Greedy(reward_model), env, eval_set),
        "rlhf_score": true_score(policy, env, eval_set),
        "demonstrations_best": demo_best,
        "rm_train_accuracy": pairwise_accuracy(reward_model, obs[:n_train], winners[:n_train], losers[:n_train]),
        "rm_heldout_accuracy": pairwise_accuracy(reward_model, obs[held], winners[held], losers[held]),
        "rm_heldout_oracle_accuracy": pairwise_accuracy(
            reward_model, obs[held], winners[held], losers[held], oracle_sign[held]
        ),
        "label_oracle_agreement": float(
            (oracle_sign[held] > 0).float().sum() / max(1, int((oracle_sign[held] != 0).sum()))
        ),
        "kl_to_sft": mean_kl(policy, sft, eval_set[0]),
        "n_heldout_pairs": n_heldout,
        "curve": log["curve"],
    }
    for key in ("sft_score", "reward_model_greedy_score", "rlhf_score", "query_blind_score"):
        result[key.replace("_score", "_fraction")] = result[key] / oracle
    config = asdict(cfg)
    config["hidden_sizes"] = list(cfg.hidden_sizes)
    config["rater"] = getattr(cfg.rater, "name", cfg.rater)  # a Rater object is reported by its name
    result["config"] = config
    result["seconds"] = time.perf_counter() - started
    env.close()
    return result


def format_report(result: dict) -> str:
    """The pipeline's result as a short table a person reads."""
    oracle = result["oracle_score"]
    rows = [
        ("oracle (best response every time)", oracle),
        ("best query-blind policy", result["query_blind_score"]),
        ("step 1: supervised policy (SFT)", result["sft_score"]),
        ("step 2: reward model's greedy choice", result["reward_model_greedy_score"]),
        ("step 3: RLHF policy (SFT + RL vs RM)", result["rlhf_score"]),
    ]
    lines = [f"{'policy':40s} {'true score':>10s} {'of oracle':>10s}"]
    lines += [f"{name:40s} {value:10.2f} {value / oracle:10.1%}" for name, value in rows]
    lines.append("")
    lines.append(f"demonstrations that were the oracle's best response: {result['demonstrations_best']:.1%}")
    lines.append(
        f"reward model, held-out pairs ({result['n_heldout_pairs']}): "
        f"{result['rm_heldout_accuracy']:.1%} agree with the rater's label, "
        f"{result['rm_heldout_oracle_accuracy']:.1%} with the oracle's order "
        f"(the labels themselves agree with the oracle {result['label_oracle_agreement']:.1%})"
    )
    lines.append(f"KL(RLHF policy || SFT policy) = {result['kl_to_sft']:.3f} nats; {result['seconds']:.1f} s")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    d = PipelineConfig()
    p = argparse.ArgumentParser(
        prog="rldojo rlhf",
        description="The course's three RLHF steps in miniature on ChatbotFeedback-v0: a supervised policy from "
        "demonstrations, a Bradley-Terry reward model from comparisons, then policy optimisation "
        "against the reward model with a KL penalty to the supervised policy.",
        epilog="`rldojo rlhf lab --help`: the preference-learning lab (DPO, best-of-n, GRPO, RLOO, ensembles, "
        "reward over-optimisation) on the same data.",
    )
    p.add_argument("--queries", choices=("text", "course"), default=d.queries)
    p.add_argument(
        "--rater",
        choices=("oracle", "noisy", "human"),
        default=d.rater,
        help="who demonstrates and compares (human: you, in the terminal)",
    )
    p.add_argument("--embedder", choices=("hashed", "minilm"), default=d.embedder)
    p.add_argument("--demonstrations", type=int, default=d.n_demonstrations, help="step 1: demonstrated queries")
    p.add_argument("--comparisons", type=int, default=d.n_comparisons, help="step 2: ranked pairs")
    p.add_argument("--heldout-fraction", type=float, default=d.heldout_fraction)
    p.add_argument("--algorithm", choices=ALGORITHMS, default=d.algorithm, help="step 3")
    p.add_argument("--kl-coef", type=float, default=d.kl_coef)
    p.add_argument("--updates", type=int, default=d.rl_updates, help="step 3: policy updates")
    p.add_argument("--batch-size", type=int, default=d.rl_batch, help="step 3: queries per update")
    p.add_argument("--learning-rate", type=float, default=d.learning_rate)
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--json", action="store_true", help="print the result as JSON instead of a table")
    p.add_argument("--out", help="also write the result as JSON to this file")
    return p


def main(argv: list[str] | None = None) -> int:
    """``rldojo rlhf [options]``: run the pipeline and print its report."""
    args = build_parser().parse_args(argv)
    torch.set_num_threads(1)
    result = run_pipeline(
        queries=args.queries,
        rater=args.rater,
        embedder=args.embedder,
        n_demonstrations=args.demonstrations,
        n_comparisons=args.comparisons,
        heldout_fraction=args.heldout_fraction,
        algorithm=args.algorithm,
        kl_coef=args.kl_coef,
        rl_updates=args.updates,
        rl_batch=args.batch_size,
        learning_rate=args.learning_rate,
        seed=args.seed,
    )
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=2)
    print(json.dumps(result, indent=2) if args.json else format_report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
