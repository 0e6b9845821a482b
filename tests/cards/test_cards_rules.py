"""The rules of Kuhn poker and Leduc Hold'em, hand by hand, and agreement with OpenSpiel."""

import pytest

from rldojo.envs.cards.games import CALL, FOLD, KUHN, LEDUC, RAISE, get_game

J, Q, K = 0, 1, 2  # Kuhn's cards
# Leduc's cards: rank * 2 + suit
Js, Jh, Qs, Qh, Ks, Kh = range(6)


def play(game, cards, actions):
    state = game.deal(cards)
    for a in actions:
        state.apply_action(a)
    return state


@pytest.mark.parametrize(
    "cards, actions, expected",
    [
        ((K, J), [CALL, CALL], [1, -1]),  # check-check: showdown for the antes
        ((J, K), [CALL, CALL], [-1, 1]),
        ((Q, J), [RAISE, CALL], [2, -2]),  # bet-call
        ((Q, K), [RAISE, CALL], [-2, 2]),
        ((J, K), [RAISE, FOLD], [1, -1]),  # a bluff that works
        ((K, Q), [CALL, RAISE, FOLD], [-1, 1]),  # check, bet, fold
        ((K, Q), [CALL, RAISE, CALL], [2, -2]),  # check, bet, call
    ],
)
def test_kuhn_payoffs(cards, actions, expected):
    state = play(KUHN, cards, actions)
    assert state.is_terminal()
    assert state.returns() == expected


def test_kuhn_one_bet_only_and_fold_only_facing_a_bet():
    state = KUHN.deal((J, Q))
    assert state.legal_actions() == [CALL, RAISE]
    state.apply_action(RAISE)
    assert state.legal_actions() == [FOLD, CALL]  # no raise after the one bet
    with pytest.raises(ValueError, match="illegal"):
        state.apply_action(RAISE)


def test_leduc_raise_cap_and_sizes():
    state = LEDUC.deal((Js, Qs, Kh))
    state.apply_action(RAISE)  # bet 2
    assert state.contributions == [3, 1]
    state.apply_action(RAISE)  # raise 2
    assert state.contributions == [3, 5]
    assert state.legal_actions() == [FOLD, CALL]  # two raises: the cap
    state.apply_action(CALL)
    assert state.round == 1 and state.public_card == Kh and state.current_player == 0
    state.apply_action(CALL)  # first player checks
    state.apply_action(RAISE)  # second player bets 4
    state.apply_action(RAISE)  # first player raises 4
    assert state.contributions == [13, 9]
    assert state.legal_actions() == [FOLD, CALL]
    state.apply_action(CALL)
    assert state.is_terminal() and state.contributions == [13, 13]
    assert state.returns() == [-13, 13]  # Q beats J, no pairs


def test_leduc_pair_beats_higher_card():
    # the first player's J pairs the public J and beats a K
    state = play(LEDUC, (Js, Kh, Jh), [CALL, CALL, CALL, CALL])
    assert state.returns() == [1, -1]
    state = play(LEDUC, (Ks, Qh, Qs), [RAISE, CALL, RAISE, CALL])
    assert state.returns() == [-7, 7]


def test_leduc_tie_splits_the_pot():
    state = play(LEDUC, (Ks, Kh, Js), [RAISE, CALL, RAISE, CALL])
    assert state.is_showdown()
    assert state.returns() == [0, 0]


def test_leduc_fold_in_second_round():
    state = play(LEDUC, (Ks, Qh, Js), [RAISE, CALL, RAISE, FOLD])
    assert state.returns() == [3, -3]
    assert not state.is_showdown()


def test_leduc_check_check_moves_to_second_round_and_chance():
    state = LEDUC.new_initial_state()
    assert state.is_chance_node()
    assert len(state.chance_outcomes()) == 6
    state.apply_action(Js)
    state.apply_action(Jh)
    state.apply_action(CALL)
    state.apply_action(CALL)
    assert state.is_chance_node()
    outcomes = state.chance_outcomes()
    assert [c for c, _ in outcomes] == [Qs, Qh, Ks, Kh]
    assert sum(p for _, p in outcomes) == pytest.approx(1.0)


def test_information_state_hides_the_other_card():
    a = LEDUC.deal((Js, Kh, Qs))
    b = LEDUC.deal((Js, Qh, Qs))
    assert a.information_state(0) == b.information_state(0)
    assert a.information_state(1) != b.information_state(1)
    assert a.information_state_tensor(0) == b.information_state_tensor(0)


def test_get_game_names():
    assert get_game("kuhn") is KUHN and get_game("Leduc") is LEDUC
    with pytest.raises(ValueError, match="'kuhn', 'leduc'"):
        get_game("holdem")


def _to_openspiel(game, state, action):
    if game is KUHN:  # OpenSpiel's Kuhn: pass (check or fold) 0, bet (bet or call) 1
        return 0 if action == FOLD or (action == CALL and not state.facing_bet()) else 1
    return action


def _walk(game, ours, theirs, counts):
    assert ours.is_terminal() == theirs.is_terminal()
    if ours.is_terminal():
        assert ours.returns() == pytest.approx(theirs.returns())
        counts["terminal"] += 1
        return
    if ours.is_chance_node():
        assert [c for c, _ in ours.chance_outcomes()] == [c for c, _ in theirs.chance_outcomes()]
        for card, _ in ours.chance_outcomes():
            _walk(game, ours.child(card), theirs.child(card), counts)
        return
    assert ours.current_player == theirs.current_player()
    assert ours.information_state() == theirs.information_state_string()
    assert sorted(_to_openspiel(game, ours, a) for a in ours.legal_actions()) == theirs.legal_actions()
    for a in ours.legal_actions():
        _walk(game, ours.child(a), theirs.child(_to_openspiel(game, ours, a)), counts)


@pytest.mark.parametrize("game, name, terminals", [(KUHN, "kuhn_poker", 30), (LEDUC, "leduc_poker", 5520)])
def test_whole_tree_agrees_with_openspiel(game, name, terminals):
    pyspiel = pytest.importorskip("pyspiel")
    counts = {"terminal": 0}
    _walk(game, game.new_initial_state(), pyspiel.load_game(name).new_initial_state(), counts)
    assert counts["terminal"] == terminals
