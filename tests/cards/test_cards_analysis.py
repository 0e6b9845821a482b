"""Exact values: the Kuhn equilibrium, best responses, exploitability, agreement with OpenSpiel."""

import numpy as np
import pytest

from rldojo.envs.cards import analysis
from rldojo.envs.cards.games import KUHN


@pytest.mark.parametrize("alpha", [0.0, 0.1, 1 / 6, 0.25, 1 / 3])
def test_kuhn_equilibrium_value_and_zero_exploitability(alpha):
    policy = analysis.kuhn_nash_policy(alpha)
    v0, v1 = analysis.expected_value("kuhn", policy)
    assert v0 == pytest.approx(-1 / 18)
    assert v1 == pytest.approx(1 / 18)
    assert analysis.exploitability("kuhn", policy) == pytest.approx(0.0, abs=1e-12)


def test_off_equilibrium_kuhn_is_exploitable():
    policy = analysis.kuhn_nash_policy(0.2)
    policy["1b"] = [0.0, 1.0, 0.0]  # always calling a bet with a Q
    assert analysis.exploitability("kuhn", policy) > 0.01


def test_uniform_policy_values():
    # published values: NashConv of the uniform policy is 11/12 in Kuhn
    assert analysis.nash_conv("kuhn", analysis.uniform_policy("kuhn")) == pytest.approx(11 / 12)
    assert analysis.exploitability("kuhn", analysis.uniform_policy("kuhn")) == pytest.approx(11 / 24)


def _openspiel_policy(pyspiel, table: dict) -> object:
    """Our tabular policy as OpenSpiel's C++ TabularPolicy (Leduc's actions are ours: fold, call, raise)."""
    return pyspiel.TabularPolicy({key: [(a, p) for a, p in enumerate(probs) if p > 0] for key, probs in table.items()})


def test_uniform_exploitability_agrees_with_openspiel():
    pyspiel = pytest.importorskip("pyspiel")
    # Kuhn's OpenSpiel actions are pass/bet, so compare with its own uniform policy's value
    kuhn = pyspiel.load_game("kuhn_poker")
    kuhn_uniform = pyspiel.TabularPolicy(
        {s.information_state_string(): [(0, 0.5), (1, 0.5)] for s in _decision_states(kuhn.new_initial_state())}
    )
    assert analysis.exploitability("kuhn", analysis.uniform_policy("kuhn")) == pytest.approx(
        pyspiel.exploitability(kuhn, kuhn_uniform), abs=1e-9
    )
    leduc = pyspiel.load_game("leduc_poker")
    assert analysis.exploitability("leduc", analysis.uniform_policy("leduc")) == pytest.approx(
        pyspiel.exploitability(leduc, _openspiel_policy(pyspiel, analysis.uniform_policy("leduc"))), abs=1e-9
    )


def _decision_states(state):
    if state.is_terminal():
        return
    if not state.is_chance_node():
        yield state
    for action in state.legal_actions():
        yield from _decision_states(state.child(action))


def test_random_policy_agrees_with_openspiel():
    pyspiel = pytest.importorskip("pyspiel")
    tree = analysis.game_tree("leduc")
    rng = np.random.default_rng(0)
    probs = rng.random(tree.legal_mask.shape) * tree.legal_mask
    probs /= probs.sum(axis=1, keepdims=True)
    ours = {key: probs[i].tolist() for i, key in enumerate(tree.keys)}
    theirs = pyspiel.nash_conv(pyspiel.load_game("leduc_poker"), _openspiel_policy(pyspiel, ours))
    assert analysis.nash_conv("leduc", ours) == pytest.approx(theirs, abs=1e-9)


def test_best_response_against_always_call():
    # against a calling station: bet a K, check a J; the value is 1/3 of a chip a hand on average
    best = analysis.best_response_value_vs("kuhn", analysis.always_call_policy("kuhn"))
    assert best == pytest.approx(1 / 3)
    response = analysis.best_response_policy("kuhn", analysis.always_call_policy("kuhn"), 0)
    assert response["2"] == [0.0, 0.0, 1.0]
    assert response["0"] == [0.0, 1.0, 0.0]
    assert analysis.value_vs("kuhn", response, analysis.always_call_policy("kuhn"), "first") == pytest.approx(
        analysis.best_response_value("kuhn", analysis.always_call_policy("kuhn"), 0)
    )


def test_policy_forms_agree():
    table = analysis.kuhn_nash_policy(0.1)
    as_callable = lambda info: table[info.key]
    as_dicts = {k: {a: p for a, p in enumerate(v) if p > 0} for k, v in table.items()}
    values = [analysis.expected_value(KUHN, p)[0] for p in (table, as_callable, as_dicts)]
    assert values == pytest.approx([-1 / 18] * 3)


def test_policy_errors_are_clear():
    with pytest.raises(ValueError, match="no entry for information state"):
        analysis.exploitability("kuhn", {"0": [0, 1, 0]})
    bad = analysis.uniform_policy("kuhn")
    bad["0pb"] = [0.0, 0.0, 1.0]  # only an illegal raise
    with pytest.raises(ValueError, match="no probability to any legal action"):
        analysis.exploitability("kuhn", bad)


def test_policy_from_agent_uses_predict_with_masks():
    class Caller:
        def predict(self, obs, deterministic=True, action_masks=None):
            return np.ones(len(obs), dtype=int), None

    policy = analysis.policy_from_agent("leduc", Caller())
    assert policy == analysis.always_call_policy("leduc")
