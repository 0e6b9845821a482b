"""The miniature RLHF pipeline: SFT from demonstrations, a Bradley-Terry reward model, RL with a KL penalty."""

import json

import numpy as np
import pytest
import torch

from rldojo.baselines import rlhf
from rldojo.envs.chatbot.env import ChatbotFeedbackEnv


@pytest.mark.slow
def test_rlhf_policy_beats_the_supervised_policy_on_true_score():
    result = rlhf.run_pipeline(n_comparisons=2000, rl_updates=150, seed=0)
    # Few, noisy demonstrations: the supervised policy is imperfect, as in real RLHF.
    assert result["demonstrations_best"] < 1.0
    assert result["query_blind_score"] < result["sft_score"] < 0.8 * result["oracle_score"]
    # The reward model orders held-out pairs it never saw better than chance.
    assert result["rm_heldout_accuracy"] > 0.6 and result["rm_heldout_oracle_accuracy"] > 0.7
    # Step 3 improves on step 1 by a clear margin, and stays a finite distance from it.
    assert result["rlhf_score"] > result["sft_score"] + 0.5
    assert 0.0 < result["kl_to_sft"] < 10.0
    assert [point["update"] for point in result["curve"]][-1] == 150


def test_bradley_terry_loss_and_accuracy_on_a_known_reward_model():
    class Fixed(torch.nn.Module):
        def forward(self, x):
            return torch.tensor([[3.0, 1.0, 0.0]]).expand(len(x), 3)

    observations = torch.zeros(2, 4)
    winners, losers = torch.tensor([0, 2]), torch.tensor([1, 0])
    loss = rlhf.bradley_terry_loss(Fixed(), observations, winners, losers)
    expected = -(np.log(1 / (1 + np.exp(-2.0))) + np.log(1 / (1 + np.exp(3.0)))) / 2
    assert float(loss) == pytest.approx(expected, rel=1e-5)
    assert rlhf.pairwise_accuracy(Fixed(), observations, winners, losers) == 0.5
    assert rlhf.pairwise_accuracy(Fixed(), observations, winners, losers, torch.tensor([1, 0])) == 1.0


def test_course_toy_pipeline_with_ppo_and_the_oracle():
    result = rlhf.run_pipeline(
        queries="course",
        rater="oracle",
        algorithm="ppo",
        n_demonstrations=10,
        n_comparisons=300,
        rl_updates=20,
        rl_batch=32,
        n_eval=200,
        seed=1,
    )
    assert result["oracle_score"] == 10.0 and result["rlhf_score"] == 10.0
    assert result["rm_heldout_oracle_accuracy"] >= 0.9


def test_cli_prints_a_report_and_writes_json(tmp_path, capsys):
    out = tmp_path / "rlhf.json"
    assert (
        rlhf.main(
            [
                "--queries",
                "course",
                "--rater",
                "oracle",
                "--demonstrations",
                "5",
                "--comparisons",
                "100",
                "--updates",
                "5",
                "--batch-size",
                "8",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "step 3: RLHF policy" in printed and "held-out pairs" in printed
    assert json.loads(out.read_text())["config"]["n_comparisons"] == 100


def test_bad_arguments_are_clear():
    with pytest.raises(ValueError, match="no argument 'epochs'"):
        rlhf.run_pipeline(epochs=3)
    with pytest.raises(ValueError, match="algorithm must be one of reinforce, ppo"):
        rlhf.run_pipeline(algorithm="dpo")
    with pytest.raises(SystemExit):
        rlhf.main(["--rater", "crowd"])


def test_human_rater_in_the_pipeline_stops_cleanly_at_end_of_input(monkeypatch):
    import io

    from rldojo.envs.chatbot.raters import HumanFeedbackEnded

    monkeypatch.setattr("sys.stdin", io.StringIO("1\n1\n"))  # two demonstrations, then nothing
    with pytest.raises(HumanFeedbackEnded):
        rlhf.run_pipeline(queries="course", rater="human", n_demonstrations=3)
    assert ChatbotFeedbackEnv(rater="human").rater.name == "human"
