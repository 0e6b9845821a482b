"""The agent contract (agent.py, registry.py, checkpoint.py, logging.py).

Hyperparameters, learn bookkeeping, callbacks, checkpoints.
"""

import dataclasses
import os

import gymnasium as gym
import numpy as np
import pytest

from rldojo.baselines import Agent, Callback, checkpoint, make_agent, registry
from rldojo.baselines.evaluation import evaluate
from rldojo.envs.common import action_mask


class TableAgent(Agent):
    """A minimal agent: learns nothing but a visit count, acts by a fixed table."""

    name = "table-test"

    @dataclasses.dataclass
    class Config:
        preferred_action: int = 2  # the action it takes everywhere

    def _setup(self):
        self.visits = np.zeros(self.observation_space.n, dtype=np.int64)
        self.table = np.full(self.observation_space.n, self.config.preferred_action, dtype=np.int64)

    def _learn(self, total_timesteps, run):
        obs, _ = self.reset_env()
        while True:
            self.visits[obs] += 1
            obs, reward, terminated, truncated, info = self.env.step(int(self.table[obs]))
            if not run.step(float(reward), terminated, truncated, info):
                break
            if terminated or truncated:
                obs, _ = self.env.reset()

    def _predict(self, obs, deterministic, masks):
        actions = self.table[obs].copy()
        if masks is not None:
            actions = np.array([a if m[a] else int(np.flatnonzero(m)[0]) for a, m in zip(actions, masks, strict=True)])
        return actions

    def _state_dict(self):
        return {"visits": self.visits, "table": self.table}

    def _load_state_dict(self, state):
        if state["table"].shape != self.table.shape:
            raise ValueError(f"table shape {state['table'].shape} != {self.table.shape}")
        self.visits = state["visits"]
        self.table = state["table"]


@pytest.fixture
def register_table_agent(monkeypatch):
    monkeypatch.setitem(registry.AGENTS, "table-test", f"{__name__}:TableAgent")


def frozen_lake():
    return gym.make("FrozenLake-v1", is_slippery=False)


def test_unknown_hyperparameter_names_it_and_the_allowed_ones():
    with pytest.raises(ValueError, match=r"no hyperparameter 'learning_rat'.*preferred_action"):
        TableAgent(frozen_lake(), learning_rat=0.1)


def test_make_agent_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown agent 'dqnn'.*qlearning"):
        make_agent("dqnn", frozen_lake())


def test_learn_counts_steps_and_records_episodes():
    agent = TableAgent(frozen_lake(), seed=3, preferred_action=1)
    agent.learn(50)
    assert agent.num_timesteps == 50
    assert agent.visits.sum() == 50
    rows = agent.episodes.rows
    assert rows, "walking down falls into the hole at (0, 3): episodes end"
    assert all(row["length"] > 0 for row in rows)
    assert sum(row["length"] for row in rows) <= 50
    agent.learn(10, reset_num_timesteps=False)
    assert agent.num_timesteps == 60


def test_learn_rejects_a_non_positive_budget():
    with pytest.raises(ValueError, match="total_timesteps must be an integer of at least 1"):
        TableAgent(frozen_lake()).learn(0)


def test_callback_false_stops_training_and_hooks_run():
    calls = []

    class StopAtTen(Callback):
        def on_training_start(self):
            calls.append("start")

        def on_step(self):
            return self.num_timesteps < 10

        def on_training_end(self):
            calls.append("end")

    agent = TableAgent(frozen_lake())
    agent.learn(1000, callback=StopAtTen())
    assert agent.num_timesteps == 10
    assert calls == ["start", "end"]
    agent.learn(1000, callback=lambda a: a.num_timesteps < 5)
    assert agent.num_timesteps == 5


def test_predict_single_and_batch_and_masks():
    agent = TableAgent(frozen_lake(), preferred_action=2)
    action, state = agent.predict(0)
    assert action == 2 and state is None
    actions, _ = agent.predict(np.array([0, 1, 2]))
    assert actions.tolist() == [2, 2, 2]
    masked, _ = agent.predict(0, action_masks=np.array([1, 1, 0, 1]))
    assert masked == 0
    with pytest.raises(ValueError, match="allows no action"):
        agent.predict(0, action_masks=np.zeros(4))


def test_save_load_roundtrip_gives_identical_predictions(tmp_path, register_table_agent):
    agent = TableAgent(frozen_lake(), seed=1, preferred_action=1)
    agent.learn(30)
    path = agent.save(tmp_path / "agent.pt")
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    loaded = TableAgent.load(path)
    assert loaded.config.preferred_action == 1
    assert loaded.num_timesteps == 30
    np.testing.assert_array_equal(loaded.visits, agent.visits)
    obs = np.arange(16)
    np.testing.assert_array_equal(loaded.predict(obs)[0], agent.predict(obs)[0])
    # the base class dispatches by the stored class, but only to registered agents
    assert isinstance(registry.load_agent(path, env=frozen_lake()), TableAgent)


def test_load_refuses_unregistered_classes(tmp_path):
    path = TableAgent(frozen_lake()).save(tmp_path / "agent.pt")
    with pytest.raises(ValueError, match="unknown class"):
        Agent.load(path, env=frozen_lake())


def test_corrupt_checkpoint_gives_a_clear_error(tmp_path):
    path = TableAgent(frozen_lake()).save(tmp_path / "agent.pt")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="not a readable rldojo checkpoint"):
        TableAgent.load(path)
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    with pytest.raises(ValueError, match="not a readable rldojo checkpoint"):
        TableAgent.load(other)


def test_mismatched_env_gives_a_clear_error(tmp_path):
    path = TableAgent(frozen_lake()).save(tmp_path / "agent.pt")
    with pytest.raises(ValueError, match="observation_space"):
        TableAgent.load(path, env=gym.make("FrozenLake-v1", map_name="8x8"))


def test_failed_save_leaves_no_partial_file(tmp_path, monkeypatch):
    agent = TableAgent(frozen_lake())
    good = agent.save(tmp_path / "agent.pt")
    before = good.read_bytes()

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(checkpoint.torch, "save", explode)
    with pytest.raises(OSError, match="disk full"):
        agent.save(good)
    assert good.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["agent.pt"]


def test_monitor_csv_has_sb3_monitor_layout(tmp_path):
    import csv
    import json

    agent = TableAgent(frozen_lake(), monitor_dir=str(tmp_path), preferred_action=1)
    agent.learn(40)
    agent.episodes.close()
    # SB3's monitor files: a '#' JSON header line, then columns r, l, t.
    with open(tmp_path / "monitor.csv") as f:
        header = json.loads(f.readline()[1:])
        rows = list(csv.DictReader(f))
    assert header["env_id"] == "FrozenLake-v1"
    assert len(rows) == len(agent.episodes.rows) > 0
    assert sum(int(r["l"]) for r in rows) == sum(r["length"] for r in agent.episodes.rows)
    assert {"r", "l", "t"} <= set(rows[0])


def test_evaluate_reports_wins_and_is_reproducible():
    # On the non-slippery 4x4 lake, down-down-right-right-down-right reaches the goal.
    route = {0: 1, 4: 1, 8: 2, 9: 2, 10: 1, 14: 2}
    result = evaluate(lambda obs: route[int(obs)], frozen_lake(), n_episodes=3, seed=0)
    assert result.win_rate is None or result.win_rate == 1.0
    assert result.mean_return == 1.0
    assert result.lengths == [6, 6, 6]
    with pytest.raises(ValueError, match="n_episodes"):
        evaluate(lambda obs: 0, frozen_lake(), n_episodes=0)


def test_action_mask_prefers_info_then_env_method():
    class Masked(gym.Env):
        observation_space = gym.spaces.Discrete(1)
        action_space = gym.spaces.Discrete(3)

        def action_masks(self):
            return np.array([0, 1, 1], dtype=np.int8)

    env = Masked()
    assert action_mask(env, {"action_mask": np.array([1, 0, 0])}).tolist() == [True, False, False]
    assert action_mask(env, {}).tolist() == [False, True, True]
    assert action_mask(frozen_lake(), {}) is None


def test_agent_and_env_random_streams_differ_for_one_seed():
    env = frozen_lake()
    agent = TableAgent(env, seed=7)
    env.reset(seed=7)
    assert agent.rng.random(5).tolist() != env.unwrapped.np_random.random(5).tolist()
    assert TableAgent(frozen_lake(), seed=7).rng.random() == TableAgent(frozen_lake(), seed=7).rng.random()


def test_bytes_damaged_inside_a_tensor_are_caught_by_the_checksum(tmp_path):
    agent = TableAgent(frozen_lake(), preferred_action=1)
    agent.table[:] = np.arange(16) % 4  # a recognisable pattern to damage
    path = agent.save(tmp_path / "agent.pt")
    data = bytearray(path.read_bytes())
    pattern = np.arange(16, dtype=np.int64) % 4
    at = bytes(data).find(pattern.tobytes())
    assert at > 0, "the table's bytes are stored verbatim in the checkpoint"
    data[at + 8] ^= 0xFF  # flip one byte of the table; torch.load alone would not notice
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"damaged checkpoint \(checksum mismatch\)"):
        TableAgent.load(path)
