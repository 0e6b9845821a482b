"""Drawing a hand of Kuhn poker or Leduc Hold'em: a pygame table, or a few lines of text.

The agent's seat is at the bottom, the opponent's at the top with its card face down
until a showdown; the public card (Leduc), the pot, each player's chips in the pot and
the last actions sit in between.
"""

from __future__ import annotations

from rldojo.envs import rendering
from rldojo.envs.cards.games import ACTION_NAMES, RAISE, TERMINAL, PokerState

WIDTH, HEIGHT = 480, 360
CARD_W, CARD_H = 56, 80
FELT = (39, 110, 72)
FELT_EDGE = (92, 64, 40)
CARD_FACE = (252, 252, 248)
CARD_BACK = (52, 86, 160)
RED = (196, 40, 40)
BLACK = (20, 20, 20)
CHIP = (232, 196, 72)
WHITE = (250, 250, 250)

TITLES = {"kuhn": "Kuhn poker", "leduc": "Leduc Hold'em"}


def action_word(state: PokerState, player: int, action: int, facing: bool) -> str:
    """ "check" / "bet" when nothing was bet, "call" / "raise" / "fold" otherwise."""
    if action == RAISE:
        return "raise" if facing else "bet"
    if action == 1:
        return "call" if facing else "check"
    return ACTION_NAMES[action]


def _described_log(state: PokerState, log: list[tuple[int, int]]) -> list[str]:
    """The hand's actions in poker words, replayed on the rules to know when a bet was faced."""
    replay = state.game.deal(state.cards + ([state.public_card] if state.public_card is not None else []))
    words = []
    for player, action in log:
        if replay.current_player != player or action not in replay.legal_actions():
            words.append(f"P{player + 1} forfeits")  # an illegal action under illegal_action="forfeit"
            break
        words.append(f"P{player + 1} {action_word(replay, player, action, replay.facing_bet())}")
        replay.apply_action(action)
    return words


def ansi(state: PokerState, seat: int, log: list[tuple[int, int]]) -> str:
    """The table as text, from ``seat``'s side: the opponent's card shown only at showdown."""
    game = state.game
    opponent = 1 - seat
    reveal = state.is_showdown()
    lines = [f"{TITLES.get(game.name, game.name)}, you are P{seat + 1} ({'first' if seat == 0 else 'second'} to act)"]
    lines.append(
        f"  opponent P{opponent + 1}: [{game.card_name(state.cards[opponent]) if reveal else '??'}]"
        f"  in pot {state.contributions[opponent]}"
    )
    if game.has_public_card:
        public = game.card_name(state.public_card) if state.public_card is not None else "--"
        lines.append(f"  public card: [{public}]   pot {state.pot}")
    else:
        lines.append(f"  pot {state.pot}")
    lines.append(f"  you P{seat + 1}:      [{game.card_name(state.cards[seat])}]  in pot {state.contributions[seat]}")
    lines.append("  actions: " + (", ".join(_described_log(state, log)) or "-"))
    if state.current_player == TERMINAL:
        won = state.returns()[seat]
        how = "showdown" if reveal else "fold"
        lines.append(f"  hand over ({how}): you {'win' if won > 0 else 'lose' if won < 0 else 'split'} {abs(won):g}")
    else:
        lines.append(f"  to act: P{state.current_player + 1}")
    return "\n".join(lines) + "\n"


class TableRenderer:
    """Draws the table with pygame; the felt is drawn once and reused."""

    def __init__(self, game, render_mode: str, fps: int):
        self.game = game
        self.render_mode = render_mode
        title = f"rldojo {TITLES.get(game.name, game.name)}"
        self.window = rendering.Window(title, fps) if render_mode == "human" else None
        self._background = None

    def _felt(self):
        pygame = rendering.import_pygame()
        if self._background is None:
            surface = pygame.Surface((WIDTH, HEIGHT))
            surface.fill(FELT_EDGE)
            pygame.draw.ellipse(surface, FELT, pygame.Rect(14, 14, WIDTH - 28, HEIGHT - 28))
            pygame.draw.ellipse(surface, (30, 90, 58), pygame.Rect(14, 14, WIDTH - 28, HEIGHT - 28), 3)
            self._background = surface
        return self._background.copy()

    def _card(self, surface, card, x: int, y: int, face_up: bool) -> None:
        pygame = rendering.import_pygame()
        rect = pygame.Rect(x, y, CARD_W, CARD_H)
        if not face_up or card is None:
            pygame.draw.rect(surface, CARD_BACK, rect, border_radius=6)
            pygame.draw.rect(surface, WHITE, rect.inflate(-8, -8), 2, border_radius=4)
            if card is None:
                pygame.draw.rect(surface, FELT, rect.inflate(-2, -2), border_radius=6)
                pygame.draw.rect(surface, (200, 220, 200), rect, 1, border_radius=6)
            return
        pygame.draw.rect(surface, CARD_FACE, rect, border_radius=6)
        pygame.draw.rect(surface, BLACK, rect, 1, border_radius=6)
        rank = "JQK"[self.game.rank(card)]
        colour = RED if self.game.num_suits > 1 and card % self.game.num_suits == 1 else BLACK
        big = rendering.font(44).render(rank, True, colour)
        surface.blit(big, big.get_rect(center=rect.center))
        if self.game.num_suits > 1:
            self._suit(surface, card % self.game.num_suits, x + 10, y + 12, colour)
            self._suit(surface, card % self.game.num_suits, x + CARD_W - 10, y + CARD_H - 12, colour)

    def _suit(self, surface, suit: int, cx: int, cy: int, colour) -> None:
        """A small spade or heart drawn with shapes (the default font has no suit glyphs)."""
        pygame = rendering.import_pygame()
        if suit == 1:  # heart: two circles and a triangle
            pygame.draw.circle(surface, colour, (cx - 3, cy - 2), 4)
            pygame.draw.circle(surface, colour, (cx + 3, cy - 2), 4)
            pygame.draw.polygon(surface, colour, [(cx - 7, cy - 1), (cx + 7, cy - 1), (cx, cy + 7)])
        else:  # spade: a triangle, two circles and a stem
            pygame.draw.polygon(surface, colour, [(cx, cy - 7), (cx - 7, cy + 1), (cx + 7, cy + 1)])
            pygame.draw.circle(surface, colour, (cx - 3, cy + 2), 4)
            pygame.draw.circle(surface, colour, (cx + 3, cy + 2), 4)
            pygame.draw.line(surface, colour, (cx, cy + 2), (cx, cy + 8), 2)

    def _text(self, surface, text: str, pos, size: int = 22, colour=WHITE, anchor: str = "center") -> None:
        image = rendering.font(size).render(text, True, colour)
        rect = image.get_rect(**{anchor: pos})
        surface.blit(image, rect)

    def _chips(self, surface, amount: int, cx: int, cy: int) -> None:
        pygame = rendering.import_pygame()
        for i in range(min(amount, 13)):
            pygame.draw.ellipse(surface, CHIP, pygame.Rect(cx - 12, cy - 3 * i - 6, 24, 10))
            pygame.draw.ellipse(surface, FELT_EDGE, pygame.Rect(cx - 12, cy - 3 * i - 6, 24, 10), 1)

    def draw(self, state: PokerState, seat: int, log: list[tuple[int, int]]):
        surface = self._felt()
        game = self.game
        opponent = 1 - seat
        reveal = state.is_showdown()
        cx = WIDTH // 2
        # opponent at the top, the agent at the bottom
        self._text(surface, f"Opponent (P{opponent + 1})", (cx, 30), 22)
        self._card(surface, state.cards[opponent], cx - CARD_W // 2, 42, reveal)
        self._chips(surface, state.contributions[opponent], cx + 70, 92)
        self._text(surface, f"in pot {state.contributions[opponent]}", (cx + 90, 108), 18, anchor="midleft")
        self._text(surface, f"You (P{seat + 1})", (cx, HEIGHT - 24), 22)
        self._card(surface, state.cards[seat], cx - CARD_W // 2, HEIGHT - 38 - CARD_H, True)
        self._chips(surface, state.contributions[seat], cx + 70, HEIGHT - 64)
        self._text(surface, f"in pot {state.contributions[seat]}", (cx + 90, HEIGHT - 48), 18, anchor="midleft")
        # the middle: public card and pot
        if game.has_public_card:
            public = state.public_card
            self._card(surface, public, cx - CARD_W // 2 - 140, HEIGHT // 2 - CARD_H // 2, public is not None)
            self._text(surface, "public card", (cx - 140, HEIGHT // 2 + CARD_H // 2 + 10), 18)
        self._text(surface, f"pot {state.pot}", (cx + 50, HEIGHT // 2 - 8), 30, CHIP)
        words = _described_log(state, log)
        self._text(surface, ", ".join(words[-4:]) if words else "new hand", (cx + 50, HEIGHT // 2 + 18), 18)
        if state.current_player == TERMINAL:
            won = state.returns()[seat]
            result = f"you {'win' if won > 0 else 'lose' if won < 0 else 'split'} {abs(won):g}"
            self._text(
                surface,
                result + (" at showdown" if reveal else " (fold)"),
                (cx + 50, HEIGHT // 2 + 40),
                22,
                (255, 240, 160),
            )
        if self.window is not None:
            self.window.show(surface)
            return None
        return rendering.surface_to_array(surface)

    def close(self) -> None:
        if self.window is not None:
            self.window.close()
