"""The stable-baselines3 agents behind make_agent: train, predict, Monitor CSV, TensorBoard, safe loading."""

import base64
import csv
import json
import pickle
import tempfile
import zipfile

import gymnasium as gym
import numpy as np
import pytest

pytest.importorskip("stable_baselines3")
pytest.importorskip("sb3_contrib")

import stable_baselines3.common.save_util as save_util
from odd_only_env import OddOnlyEnv

from rldojo.baselines import load_agent, make_agent
from rldojo.baselines.ppo import PPO as HandPPO
from rldojo.baselines.sb3 import SB3A2C, SB3DQN, SB3PPO, SB3MaskablePPO, load_sb3

SMALL = {
    "sb3-ppo": dict(n_steps=64, batch_size=32, n_epochs=2, learning_rate="lin_0.001", clip_range="lin_0.2"),
    "sb3-a2c": dict(n_steps=8),
    "sb3-dqn": dict(
        learning_starts=64,
        buffer_size=1000,
        train_freq=[2, "step"],
        policy_kwargs=dict(net_arch=[32, 32], activation_fn="relu"),
    ),
    "sb3-maskable-ppo": dict(n_steps=64, batch_size=32, n_epochs=2),
}
CLASSES = {"sb3-ppo": SB3PPO, "sb3-a2c": SB3A2C, "sb3-dqn": SB3DQN, "sb3-maskable-ppo": SB3MaskablePPO}
OBS = np.random.default_rng(0).normal(size=(64, 4)).astype(np.float32)


@pytest.mark.parametrize("name", sorted(SMALL))
def test_train_predict_monitor_and_reload(name, tmp_path):
    agent = make_agent(name, "CartPole-v1", seed=0, monitor_dir=tmp_path / "monitor", **SMALL[name])
    assert isinstance(agent, CLASSES[name]) and agent.verbose == 0
    agent.learn(400)
    action, state = agent.predict(OBS[0], deterministic=True)
    assert agent.action_space.contains(int(action)) and state is None
    # Monitor's CSV, readable by SB3's own reader.
    with open(tmp_path / "monitor" / "monitor.csv") as f:
        assert f.readline().startswith("#{")  # Monitor's JSON header line
        rows = list(csv.DictReader(f))
    assert len(rows) >= 5 and sum(int(row["l"]) for row in rows) <= agent.num_timesteps
    assert [row["return"] for row in agent.episodes.rows] == [float(row["r"]) for row in rows]
    path = agent.save(tmp_path / "model.zip")
    for loaded in (load_sb3(path), load_agent(path, env=gym.make("CartPole-v1")), CLASSES[name].load(path)):
        assert type(loaded) is CLASSES[name]
        np.testing.assert_array_equal(
            agent.predict(OBS, deterministic=True)[0], loaded.predict(OBS, deterministic=True)[0]
        )
    loaded = load_sb3(path, env=gym.make("CartPole-v1"))
    loaded.learn(100)  # a loaded model trains on


def test_loading_unpickles_nothing(tmp_path, monkeypatch):
    path = (
        make_agent("sb3-ppo", gym.make("CartPole-v1"), seed=0, n_steps=64, batch_size=64)
        .learn(64)
        .save(tmp_path / "ppo.zip")
    )

    def refuse(*args, **kwargs):
        raise AssertionError("cloudpickle.loads was called")

    monkeypatch.setattr(save_util.cloudpickle, "loads", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    assert type(load_sb3(path)) is SB3PPO


class _Marker:
    def __reduce__(self):
        return (open, ("/nonexistent-dir/should-never-exist", "w"))


def _with_data_entry(src, dst, key, value):
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w") as new:
        for item in old.namelist():
            content = old.read(item)
            if item == "data":
                data = json.loads(content)
                data[key] = value
                content = json.dumps(data).encode()
            new.writestr(item, content)


def test_a_foreign_pickled_entry_is_refused_not_run(tmp_path):
    path = make_agent("sb3-a2c", "CartPole-v1", seed=0).save(tmp_path / "a2c.zip")
    evil = {":type:": "<class 'object'>", ":serialized:": base64.b64encode(pickle.dumps(_Marker())).decode()}
    _with_data_entry(path, tmp_path / "evil.zip", "surprise", evil)
    with pytest.raises(ValueError, match="'surprise' is a pickled object"):
        load_sb3(tmp_path / "evil.zip")
    # A pickled entry under a name rldojo rebuilds is replaced, never unpickled.
    _with_data_entry(path, tmp_path / "evil2.zip", "policy_class", {**evil, "__module__": "x"})
    assert type(load_sb3(tmp_path / "evil2.zip")) is SB3A2C


def test_corrupted_zip_is_a_clear_error(tmp_path):
    path = make_agent("sb3-dqn", "CartPole-v1", seed=0).save(tmp_path / "dqn.zip")
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 3 : len(raw) // 3 + 64] = bytes(64)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"bad\.zip is a damaged checkpoint"):
        load_sb3(bad)
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ValueError, match=r"truncated\.zip is a damaged checkpoint"):
        load_sb3(truncated)
    not_sb3 = tmp_path / "other.zip"
    with zipfile.ZipFile(not_sb3, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ValueError, match="not a stable-baselines3 model"):
        load_sb3(not_sb3)


def test_maskable_ppo_reads_info_masks(tmp_path):
    agent = make_agent("sb3-maskable-ppo", OddOnlyEnv(), seed=0, n_steps=64, batch_size=32, n_epochs=2)
    agent.learn(512)  # an even action would raise inside the env
    mask = np.array([0, 1, 0, 1, 0], dtype=bool)
    for _ in range(30):
        action, _ = agent.predict(np.ones(2, np.float32), deterministic=False, action_masks=mask)
        assert int(action) in (1, 3)
    loaded = load_sb3(agent.save(tmp_path / "m.zip"), env=OddOnlyEnv())
    loaded.learn(64)


def test_tensorboard_when_asked(tmp_path):
    agent = make_agent("sb3-ppo", "CartPole-v1", seed=0, n_steps=64, batch_size=64, tensorboard_log=str(tmp_path))
    agent.learn(128)
    assert list(tmp_path.rglob("events.out.tfevents.*"))
    # The hand-written agents follow the same convention.
    hand = HandPPO(gym.make("CartPole-v1"), seed=0, n_steps=64, tensorboard_log=str(tmp_path / "hand"))
    hand.learn(128)
    hand.episodes.close()
    assert list((tmp_path / "hand").rglob("events.out.tfevents.*"))


def test_learning_leaves_no_log_folder_in_the_temp_dir(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where SB3's logger would make SB3-<date>
    make_agent("sb3-dqn", "CartPole-v1", seed=0, **SMALL["sb3-dqn"]).learn(64)
    loud = make_agent("sb3-ppo", "CartPole-v1", seed=0, n_steps=64, batch_size=64, verbose=1)
    loud.learn(64)
    assert list(tmp_path.iterdir()) == []
    assert "total_timesteps" in capsys.readouterr().out  # verbose=1 still prints SB3's table


def test_load_agent_still_reads_rldojo_checkpoints(tmp_path):
    agent = HandPPO(gym.make("CartPole-v1"), seed=0)
    path = agent.save(tmp_path / "ppo.pt")  # torch.save writes a zip too
    loaded = load_agent(path)
    np.testing.assert_array_equal(agent.predict(OBS)[0], loaded.predict(OBS)[0])


def test_n_envs_and_schedules():
    agent = make_agent("sb3-ppo", "CartPole-v1", seed=0, n_envs=4, n_steps=16, batch_size=32, learning_rate="lin_0.001")
    assert agent.n_envs == 4
    assert agent.lr_schedule(1.0) == pytest.approx(1e-3) and agent.lr_schedule(0.5) == pytest.approx(5e-4)
    with pytest.raises(ValueError, match="activation_fn"):
        make_agent("sb3-dqn", "CartPole-v1", policy_kwargs={"activation_fn": "wiggle"})


def test_every_policy_agent_default_builds():
    from rldojo.baselines.hyperparams import defaults
    from rldojo.baselines.hyperparams.policy_agents import HYPERPARAMS
    from rldojo.baselines.hyperparams.tuned import STUDIES

    assert {agent for _, agent in HYPERPARAMS} == {"reinforce", "ppo", "a2c", *CLASSES}
    for (env_id, agent_name), family in HYPERPARAMS.items():
        # a tuning study's winner is laid over the family module's values
        kwargs = {**family, **STUDIES.get((env_id, agent_name), {}).get("params", {})}
        assert defaults(env_id, agent_name) == kwargs
        agent = make_agent(agent_name, env_id, seed=0, **kwargs)
        obs, _ = gym.make(env_id).reset(seed=0)
        action, _ = agent.predict(obs, deterministic=True)
        assert gym.make(env_id).action_space.contains(int(action)), (env_id, agent_name)


def test_image_policies_reload_without_env(tmp_path):
    env = gym.make("Maze-v0", obs_mode="rgb")
    obs = np.stack([env.reset(seed=i)[0] for i in range(4)])
    for name in ("sb3-ppo", "sb3-dqn"):
        agent = make_agent(name, env, seed=0, **({"buffer_size": 100} if name == "sb3-dqn" else {}))
        path = agent.save(tmp_path / f"{name}.zip")
        # SB3 stores the channels-first view, its bounds printed in summary form: rebuilt all the same.
        for loaded in (load_sb3(path), load_sb3(path, env=gym.make("Maze-v0", obs_mode="rgb"))):
            assert "Cnn" in type(loaded.policy).__name__
            np.testing.assert_array_equal(
                agent.predict(obs, deterministic=True)[0], loaded.predict(obs, deterministic=True)[0]
            )
