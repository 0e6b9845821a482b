"""Checkpoints never load as a different agent, and saves leave no litter.

Bytes of real checkpoints (rldojo's and stable-baselines3's) are flipped one at a time: every
load either raises a ValueError that names the file and says it is damaged or unreadable, or
gives back exactly the agent that was saved. Malformed SB3 zips each give a clear error.
Processes killed in the middle of ``save()`` never damage the previous checkpoint, and a later
save removes the temporary files they left, and nothing else.
"""

import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import time
import warnings
import zipfile
from collections import Counter

import numpy as np
import pytest
import torch

from rldojo.baselines import checkpoint, load_agent, make_agent
from rldojo.baselines.checkpoint import CHECKSUM_KEY, state_digest
from rldojo.baselines.dqn import DQN

REFUSALS = ("damaged", "not a readable")


def same_value(a, b) -> bool:
    """Exactly equal: same types, same keys, same dtypes and bytes (NaN and -0.0 included)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(same_value, a, b))
    if isinstance(a, torch.Tensor):
        a, b = a.detach().numpy(), b.detach().numpy()
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if isinstance(a, float):
        return struct.pack("<d", a) == struct.pack("<d", b)
    return a == b


def agent_fields(agent) -> dict:
    """What makes an rldojo agent the agent it is: class, hyperparameters, seed, step count, state."""
    return {
        "class": type(agent),
        "config": agent.hyperparameters,
        "seed": agent.seed,
        "num_timesteps": agent.num_timesteps,
        "state": agent._state_dict(),
    }


def same_agent(a, b) -> bool:
    return same_value(agent_fields(a), agent_fields(b))


def flipped(raw: bytes, at: int) -> bytes:
    """``raw`` with one bit of byte ``at`` flipped (the bit cycles with the position)."""
    data = bytearray(raw)
    data[at] ^= 1 << (at % 8)
    return bytes(data)


def assert_refused(error: ValueError, path, allowed=REFUSALS) -> None:
    message = str(error)
    assert str(path) in message, message
    assert any(word in message for word in allowed), message


def load_each_flip(raw: bytes, positions, bad, fields, reference: dict, allowed=REFUSALS) -> Counter:
    """Write ``raw`` with one bit flipped at each position to ``bad`` and load it with ``load_agent``.

    Each load must raise a ValueError naming ``bad`` (counted as "checksum" or "refused") or give
    back exactly ``reference`` (``fields`` of the loaded agent; counted as "same").
    """
    outcomes: Counter = Counter()
    for at in positions:
        bad.write_bytes(flipped(raw, at))
        try:
            loaded = load_agent(bad)
        except ValueError as error:
            assert_refused(error, bad, allowed)
            outcomes["checksum" if "checksum mismatch" in str(error) else "refused"] += 1
        else:
            assert same_value(fields(loaded), reference), f"a bit flipped in byte {at} loaded another agent"
            outcomes["same"] += 1  # zip padding, timestamps, the archive's name...
    return outcomes


# --------------------------------------------------------------------------- rldojo checkpoints


@pytest.mark.filterwarnings("ignore:Detected pickle protocol:UserWarning")  # torch, on a flipped protocol byte
@pytest.mark.parametrize(("name", "env_id"), [("bandit-ucb", "Bandit-v0"), ("qlearning", "FrozenLake-v1")])
def test_no_flipped_byte_loads_a_different_agent(name, env_id, tmp_path):
    agent = make_agent(name, env_id, seed=3)
    agent.learn(200)
    path = agent.save(tmp_path / "agent.pt")
    raw = path.read_bytes()
    reference = load_agent(path)
    assert same_value(reference._state_dict(), agent._state_dict()) and reference.num_timesteps == 200
    # Every byte up to the end of the pickle (format, version, class, config, seed, counts, spaces,
    # env, checksum: everything but the tensors' bytes), then every fourth byte to the end.
    with zipfile.ZipFile(path) as archive:
        pickle_bytes = archive.read(next(n for n in archive.namelist() if n.endswith("/data.pkl")))
    pickle_end = raw.index(pickle_bytes) + len(pickle_bytes)
    positions = [*range(pickle_end), *range(pickle_end, len(raw), 4)]
    assert pickle_end > 500 and len(positions) >= 1000
    outcomes = load_each_flip(raw, positions, tmp_path / "bad.pt", agent_fields, agent_fields(reference))
    # Most flips inside the pickle still unpickle: the checksum is what refuses them.
    assert outcomes["checksum"] > pickle_end // 3, outcomes
    assert outcomes["refused"] > 0 and outcomes["same"] > 0, outcomes


def test_a_flipped_hyperparameter_is_refused_not_loaded(tmp_path):
    # The fuzz run's case: one byte of UCB's c in the header, which the state's checksum did not cover.
    path = make_agent("bandit-ucb", "Bandit-v0", seed=0, c=1.75).save(tmp_path / "ucb.pt")
    raw = bytearray(path.read_bytes())
    stored = b"G" + struct.pack(">d", 1.75)  # pickle's BINFLOAT: 'G' then 8 big-endian bytes
    assert raw.count(stored) == 1
    raw[raw.index(stored) + 3] ^= 0x01
    path.write_bytes(bytes(raw))
    assert torch.load(path, weights_only=True)["config"]["c"] != 1.75, "torch.load alone reads another c"
    with pytest.raises(ValueError, match=r"ucb\.pt is a damaged checkpoint \(checksum mismatch\)"):
        load_agent(path)


def rewritten(path, target, **changes):
    """``path``'s payload with ``changes`` applied (None deletes a key), saved as-is to ``target``."""
    payload = torch.load(path, weights_only=True)
    for key, value in changes.items():
        if value is None:
            del payload[key]
        else:
            payload[key] = value
    torch.save(payload, target)
    return target


def test_every_field_is_covered_by_the_checksum(tmp_path):
    path = make_agent("qlearning", "FrozenLake-v1", seed=0).save(tmp_path / "q.pt")
    payload = torch.load(path, weights_only=True)
    assert set(payload) == {
        "format",
        "format_version",
        "agent",
        "class",
        "config",
        "seed",
        "num_timesteps",
        "observation_space",
        "action_space",
        "env_id",
        "env_kwargs",
        "state",
        CHECKSUM_KEY,
    }
    changes = {
        "format": "rldojo-agentx",
        "agent": "sarsa",
        "class": "rldojo.baselines.tabular:Sarsa",
        "config": {**payload["config"], "gamma": 0.5},
        "seed": 1,
        "num_timesteps": 7,
        "observation_space": {"type": "Discrete", "n": 16, "extra": 1},
        "action_space": {"type": "Discrete", "n": 5},
        "env_id": "Maze-v0",
        "env_kwargs": {"map_name": "8x8"},
        "state": {**payload["state"], "epsilon": 0.5},
        CHECKSUM_KEY: "0" * 64,
        "added": 1,
    }
    for key, value in changes.items():
        target = rewritten(path, tmp_path / f"{key}.pt", **{key: value})
        with pytest.raises(ValueError, match=r"damaged checkpoint \(checksum mismatch\)"):
            load_agent(target)
    # Relabelled versions: a version-2 file read as version 1 has no state checksum, and back.
    as_v1 = rewritten(path, tmp_path / "as_v1.pt", format_version=1)
    with pytest.raises(ValueError, match=r"damaged checkpoint \(checksum mismatch\)"):
        load_agent(as_v1)
    unknown = rewritten(path, tmp_path / "v3.pt", format_version=3)
    with pytest.raises(ValueError, match=r"v3\.pt is not a readable rldojo checkpoint: its format version is 3"):
        load_agent(unknown)
    assert same_agent(load_agent(path), load_agent(rewritten(path, tmp_path / "copy.pt")))
    # torch files that are not agents' are refused as such
    for name, payload in (("list", [1, 2]), ("dict", {"weights": torch.zeros(2), "format_version": 2})):
        torch.save(payload, tmp_path / f"{name}.pt")
        with pytest.raises(ValueError, match=rf"{name}\.pt is not a readable rldojo checkpoint"):
            load_agent(tmp_path / f"{name}.pt")


def test_version_1_files_load_with_their_state_checked_and_a_warning(tmp_path):
    agent = make_agent("qlearning", "FrozenLake-v1", seed=0)
    agent.learn(100)
    path = agent.save(tmp_path / "q.pt")
    state = torch.load(path, weights_only=True)["state"]
    # What rldojo wrote before: the same fields, version 1, and a SHA-256 of the state alone.
    v1_fields = {"format_version": 1, "state_sha256": state_digest(state), CHECKSUM_KEY: None}
    old = rewritten(path, tmp_path / "v1.pt", **v1_fields)
    with pytest.warns(UserWarning, match=r"v1\.pt is a format-version-1 checkpoint: its checksum covers the saved"):
        loaded = load_agent(old)
    assert same_agent(loaded, load_agent(path))
    damaged_state = {**state, "q_table": {"__ndarray__": state["q_table"]["__ndarray__"] + 1}}
    rewritten(old, old, state=damaged_state)
    with pytest.raises(ValueError, match=r"v1\.pt is a damaged checkpoint \(checksum mismatch\)"):
        load_agent(old)
    # Its header is not checksummed, but a damaged one still gives a clear error.
    for key, value, message in (
        ("num_timesteps", None, r"damaged checkpoint: its num_timesteps field is missing or mistyped"),
        ("format", "rldojo-agenu", r"damaged checkpoint: its format is 'rldojo-agenu'"),
        ("env_id", "FrozenLaje-v1", r"records the env 'FrozenLaje-v1' with .*, which cannot be made here"),
    ):
        header = rewritten(path, tmp_path / "v1_header.pt", **{**v1_fields, key: value})
        with pytest.warns(UserWarning, match="format-version-1"), pytest.raises(ValueError, match=message):
            load_agent(header)
    # A version-1 file relabelled as version 2 has no whole-payload checksum.
    relabelled = rewritten(path, tmp_path / "v1_as_v2.pt", **{**v1_fields, "format_version": 2})
    with pytest.raises(ValueError, match=r"damaged checkpoint \(checksum mismatch\)"):
        load_agent(relabelled)
    # Saving again writes version 2, which loads without a warning.
    again = loaded.save(tmp_path / "again.pt")
    assert torch.load(again, weights_only=True)["format_version"] == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert same_agent(load_agent(again), loaded)


# --------------------------------------------------------------------------- stable-baselines3 zips

SB3_REFUSALS = (*REFUSALS, "not a stable-baselines3 model")


@pytest.fixture(scope="module")
def sb3_zip(tmp_path_factory):
    pytest.importorskip("stable_baselines3")
    agent = make_agent("sb3-ppo", "CartPole-v1", seed=0, n_steps=64)
    return agent.save(tmp_path_factory.mktemp("sb3") / "ppo.zip")


def zip_with(src, dst, entries: dict):
    """``src`` rewritten entry by entry, with ``entries`` replaced (None drops one)."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w") as new:
        for name in old.namelist():
            content = entries.get(name, old.read(name))
            if content is not None:
                new.writestr(name, content)
    return dst


MALFORMED = [
    ("no data", r"not a stable-baselines3 model: it has no 'data' entry"),
    ("data not utf-8", r"damaged checkpoint: its 'data' entry is not JSON \(UnicodeDecodeError"),
    ("data not json", r"damaged checkpoint: its 'data' entry is not JSON \(JSONDecodeError"),
    ("data not an object", r"damaged checkpoint: its 'data' entry is JSON, but a list, not an object"),
    ("no policy.pth", r"not a stable-baselines3 model: it has no 'policy.pth' entry"),
    ("policy.pth not weights", r"damaged checkpoint: its 'policy.pth' is not readable as weights"),
    ("bad crc", r"damaged checkpoint: the CRC of its entry 'data' does not match"),
    ("bad name encoding", r"damaged checkpoint: not a readable stable-baselines3 zip \(UnicodeDecodeError"),
    ("truncated", r"damaged checkpoint: not a readable stable-baselines3 zip \(BadZipFile"),
]


@pytest.mark.parametrize(("case", "message"), MALFORMED, ids=[case for case, _ in MALFORMED])
def test_a_malformed_sb3_zip_is_a_clear_error(case, message, sb3_zip, tmp_path):
    from rldojo.baselines.sb3 import SB3PPO, load_sb3

    bad = tmp_path / "bad.zip"
    if case == "no data":
        zip_with(sb3_zip, bad, {"data": None})
    elif case == "data not utf-8":
        zip_with(sb3_zip, bad, {"data": b'{"policy_class": "\xff\xfe"}'})
    elif case == "data not json":
        zip_with(sb3_zip, bad, {"data": b'{"policy_class": '})
    elif case == "data not an object":
        zip_with(sb3_zip, bad, {"data": b"[1, 2, 3]"})
    elif case == "no policy.pth":
        zip_with(sb3_zip, bad, {"policy.pth": None})
    elif case == "policy.pth not weights":
        zip_with(sb3_zip, bad, {"policy.pth": b"not a torch file"})
    elif case == "bad crc":  # SB3 stores its entries uncompressed: one byte of 'data' changed in place
        raw = bytearray(sb3_zip.read_bytes())
        with zipfile.ZipFile(sb3_zip) as archive:
            at = raw.index(archive.read("data")) + 40
        raw[at] ^= 0x01
        bad.write_bytes(bytes(raw))
    elif case == "bad name encoding":  # a UTF-8-flagged entry name that is not UTF-8
        end = sb3_zip.stat().st_size - 22  # the appended entry's headers come after the old entries
        shutil.copy(sb3_zip, bad)
        with zipfile.ZipFile(bad, "a") as archive:
            archive.writestr("notes-é.txt", "hi")  # zipfile sets the UTF-8 flag for this name
        raw = bad.read_bytes()
        bad.write_bytes(raw[:end] + raw[end:].replace("é".encode(), b"\xc3\x28"))
    else:
        raw = sb3_zip.read_bytes()
        bad.write_bytes(raw[: len(raw) * 2 // 3])
    for load in (load_sb3, SB3PPO.load):
        with pytest.raises(ValueError, match=rf"bad\.zip is (a )?{message}"):
            load(bad)
    with pytest.raises(ValueError) as caught:  # the generic loader, which sniffs the format first
        load_agent(bad)
    assert_refused(caught.value, bad, SB3_REFUSALS)


def sb3_fields(model) -> dict:
    return {
        "class": type(model),
        "parameters": model.get_parameters(),  # the policy's and the optimizer's state
        **{key: getattr(model, key) for key in ("seed", "num_timesteps", "gamma", "gae_lambda", "n_steps", "n_epochs")},
        **{key: getattr(model, key) for key in ("batch_size", "ent_coef", "vf_coef", "max_grad_norm")},
    }


def test_no_flipped_byte_loads_a_different_sb3_model(sb3_zip, tmp_path):
    raw = sb3_zip.read_bytes()
    reference = sb3_fields(load_agent(sb3_zip))
    # 300 positions spread over the whole zip, and every third byte of its last entry and directory.
    with zipfile.ZipFile(sb3_zip) as archive:
        tail = max(info.header_offset for info in archive.infolist())
    positions = sorted({*range(0, len(raw), len(raw) // 300), *range(tail, len(raw), 3)})
    outcomes = load_each_flip(raw, positions, tmp_path / "bad.zip", sb3_fields, reference, SB3_REFUSALS)
    assert outcomes["refused"] > len(positions) // 2, outcomes  # the zip's CRCs refuse every changed entry


# --------------------------------------------------------------------------- temporary files


def age(path, seconds):
    """Set ``path``'s modification time ``seconds`` into the past (of the link itself, for a symlink)."""
    when = time.time() - seconds
    os.utime(path, (when, when), follow_symlinks=False)


def test_a_save_removes_only_stale_temporary_files_of_its_own_path(tmp_path):
    stale = checkpoint.STALE_TEMP_SECONDS
    agent = make_agent("qlearning", "FrozenLake-v1", seed=0)
    path = agent.save(tmp_path / "agent.pt")
    (tmp_path / "sub").mkdir()
    (tmp_path / ".agent.pt.dir_1234.tmp").mkdir()
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / ".agent.pt.link1234.tmp").symlink_to(tmp_path / "notes.txt")
    removed = [".agent.pt.k1l2m3n4.tmp", ".agent.pt.zz_99_zz.tmp"]
    kept = [
        ".agent.pt.abcdefgh.zip",  # another suffix
        ".agent.pt.abcdefghi.tmp",  # nine characters: not mkstemp's
        ".agent.pt.abc.efgh.tmp",  # a dot among them
        "agent.pt.abcdefgh.tmp",  # no leading dot
        ".other.pt.abcdefgh.tmp",  # another checkpoint's
        ".agent.pt.x.abcdefgh.tmp",  # agent.pt.x's
        ".agent.pt.ABCDEFGH.tmp",  # capitals: not mkstemp's
        "sub/.agent.pt.abcdefgh.tmp",  # another folder
    ]
    for name in [*removed, *kept]:
        (tmp_path / name).write_bytes(b"partial")
        age(tmp_path / name, stale + 5)
    (tmp_path / ".agent.pt.recent12.tmp").write_bytes(b"partial")  # another process's save, in flight
    age(tmp_path / ".agent.pt.recent12.tmp", stale - 5)
    kept += [".agent.pt.recent12.tmp", ".agent.pt.dir_1234.tmp", ".agent.pt.link1234.tmp"]
    for name in (".agent.pt.dir_1234.tmp", ".agent.pt.link1234.tmp"):
        age(tmp_path / name, stale + 5)
    agent.save(path)
    left = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")}
    assert left == {"agent.pt", "sub", "notes.txt", *kept}
    assert same_agent(load_agent(path), agent)


def test_an_sb3_save_removes_stale_temporary_files_too(sb3_zip, tmp_path):
    from rldojo.baselines.sb3 import load_sb3

    model = load_sb3(sb3_zip)
    old, recent = tmp_path / ".ppo.zip.a1b2c3d4.zip", tmp_path / ".ppo.zip.e5f6g7h8.zip"
    for leftover, seconds in ((old, checkpoint.STALE_TEMP_SECONDS + 5), (recent, 1)):
        leftover.write_bytes(b"PK partial")
        age(leftover, seconds)
    model.save(tmp_path / "ppo.zip")
    assert sorted(os.listdir(tmp_path)) == [recent.name, "ppo.zip"]


# A process that saves a 2 MB DQN checkpoint once, then forks children that save it again and
# again until they are killed; it prints each child's pid. Child k counts its saves in
# num_timesteps from 1000 k, so a later checkpoint has a larger count.
SAVER = """
import os, sys
import torch
torch.set_num_threads(1)
from rldojo.baselines import make_agent
path, children = sys.argv[1], int(sys.argv[2])
agent = make_agent("dqn", "CartPole-v1", seed=0, hidden_sizes=(512, 512))
agent.save(path)
for k in range(1, children + 1):
    agent.num_timesteps = 1000 * k
    pid = os.fork()
    if pid == 0:
        while True:
            agent.num_timesteps += 1
            agent.save(path)
    print(pid, flush=True)
    os.waitpid(pid, 0)
print("done", flush=True)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks the saving processes")
def test_saves_killed_midway_keep_the_previous_checkpoint_and_the_next_save_tidies_up(tmp_path):
    kills = 6
    path = tmp_path / "agent.pt"
    temp_name = re.compile(r"\.agent\.pt\.[a-z0-9_]{8}\.tmp")
    saver = subprocess.Popen([sys.executable, "-c", SAVER, str(path), str(kills)], stdout=subprocess.PIPE, text=True)

    def line() -> str:
        ready, _, _ = select.select([saver.stdout], [], [], 60)
        assert ready, "the saving process stopped answering"
        return saver.stdout.readline().strip()

    rng = np.random.default_rng(0)
    try:
        pid = int(line())
        reference = load_agent(path)
        assert isinstance(reference, DQN) and path.stat().st_size > 2_000_000
        seen: set[str] = set()
        left_behind: set[str] = set()
        for _ in range(kills):
            deadline = time.monotonic() + 30
            while not (new := {n for n in os.listdir(tmp_path) if temp_name.fullmatch(n)} - seen):
                assert time.monotonic() < deadline, "no save started"
                time.sleep(0.0005)
            seen |= new
            time.sleep(rng.uniform(0, 0.004))  # the save is writing its temporary file now
            os.kill(pid, signal.SIGKILL)
            answer = line()  # the saving process reaped the child: it is dead
            left_behind |= new & set(os.listdir(tmp_path))
            loaded = load_agent(path)  # the previous checkpoint, whole
            assert same_value(loaded._state_dict(), reference._state_dict())
            assert loaded.num_timesteps >= reference.num_timesteps
            reference = loaded
            pid = None if answer == "done" else int(answer)
        assert pid is None and saver.wait(timeout=30) == 0
    finally:
        if saver.poll() is None:
            saver.kill()
            saver.wait()
        saver.stdout.close()
    # The killed saves left their temporary files; the other saves, running meanwhile, kept them
    # (they were too recent to be sure their process was gone).
    leftovers = {n for n in os.listdir(tmp_path) if temp_name.fullmatch(n)}
    assert left_behind, "no kill landed while a temporary file was being written"
    assert leftovers == left_behind
    for name in leftovers:
        age(tmp_path / name, checkpoint.STALE_TEMP_SECONDS + 1)
    loaded.save(path)
    assert os.listdir(tmp_path) == ["agent.pt"]
    assert same_agent(load_agent(path), loaded)
