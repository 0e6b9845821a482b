"""Drawing ChatbotFeedback-v0: a chat window (pygame) and a text transcript (ansi).

The window shows the user's query in a bubble on the right, the chatbot's response in a
bubble on the left, and the rater's score under it. When a person rates in ``human``
mode, a row of buttons 0..10 (or one button per answer to choose) takes their click.
"""

from __future__ import annotations

from rldojo.envs import rendering
from rldojo.envs.chatbot.raters import HumanFeedbackEnded

WIDTH, HEIGHT = 560, 440
MARGIN = 16
HEADER = 40
BUBBLE_PAD = 10
USER_BUBBLE = (214, 232, 252)
BOT_BUBBLE = (255, 255, 255)
BUBBLE_EDGE = (200, 200, 195)
BUTTON = (232, 230, 220)
SCORE_LOW = (214, 80, 64)
SCORE_HIGH = (76, 175, 80)


def render_text(query: str, intent: str, response: str | None, score: float | None) -> str:
    """The ``ansi`` rendering: the exchange as a few lines of text."""
    lines = [f"User    [{intent}]: {query}"]
    lines.append(f"Chatbot: {response if response is not None else '...'}")
    if score is not None:
        filled = round(score)
        lines.append(f"Score:   {score:4.1f}/10 [{'#' * filled}{'.' * (10 - filled)}]")
    return "\n".join(lines) + "\n"


def _wrap(text: str, font, max_width: int) -> list[str]:
    """Greedy word wrap of ``text`` to lines no wider than ``max_width`` pixels."""
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if font.size(trial)[0] <= max_width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines or [""]


def _score_colour(score: float) -> tuple[int, int, int]:
    t = max(0.0, min(1.0, score / 10.0))
    return tuple(int(lo + (hi - lo) * t) for lo, hi in zip(SCORE_LOW, SCORE_HIGH, strict=True))


class ChatRenderer:
    """Draws the chat window; ``frame`` for rgb_array, ``show`` for human, ``ask_*`` for clicks."""

    def __init__(self, fps: int = 4):
        self.window = rendering.Window("ChatbotFeedback-v0", fps)
        self._background = None
        self._fonts = None

    # -- drawing ---------------------------------------------------------------------------

    def _setup(self):
        pygame = rendering.import_pygame()
        if self._background is None:
            self._fonts = {"text": rendering.font(22), "small": rendering.font(18), "title": rendering.font(26)}
            # The static part (background and title bar) is drawn once.
            bg = pygame.Surface((WIDTH, HEIGHT))
            bg.fill(rendering.BACKGROUND)
            pygame.draw.rect(bg, rendering.HIGHLIGHT, (0, 0, WIDTH, HEADER))
            title = self._fonts["title"].render("Help-desk chat", True, (255, 255, 255))
            bg.blit(title, (MARGIN, (HEADER - title.get_height()) // 2))
            self._background = bg
        return pygame

    def _bubble(self, surface, text: str, label: str, top: int, right_side: bool, colour) -> int:
        """Draw a labelled speech bubble; returns the y just below it."""
        pygame = rendering.import_pygame()
        font, small = self._fonts["text"], self._fonts["small"]
        max_text = int(WIDTH * 0.66)
        lines = _wrap(text, font, max_text)
        width = max(font.size(line)[0] for line in lines) + 2 * BUBBLE_PAD
        height = len(lines) * font.get_linesize() + 2 * BUBBLE_PAD
        left = WIDTH - MARGIN - width if right_side else MARGIN
        tag = small.render(label, True, rendering.MUTED)
        surface.blit(tag, (WIDTH - MARGIN - tag.get_width() if right_side else MARGIN, top))
        top += tag.get_height() + 2
        rect = pygame.Rect(left, top, width, height)
        pygame.draw.rect(surface, colour, rect, border_radius=12)
        pygame.draw.rect(surface, BUBBLE_EDGE, rect, width=1, border_radius=12)
        for i, line in enumerate(lines):
            surface.blit(
                font.render(line, True, rendering.TEXT), (left + BUBBLE_PAD, top + BUBBLE_PAD + i * font.get_linesize())
            )
        return rect.bottom + 10

    def _draw(self, query: str, response: str | None, score: float | None, intent: str | None = None):
        pygame = self._setup()
        surface = self._background.copy()
        label = "User" if intent is None else f"User ({intent.replace('_', ' ')})"
        y = self._bubble(surface, query, label, HEADER + 10, True, USER_BUBBLE)
        y = self._bubble(surface, response if response is not None else "...", "Chatbot", y, False, BOT_BUBBLE)
        if score is not None:
            text = self._fonts["text"].render(f"Rater's score: {score:.1f} / 10", True, rendering.TEXT)
            surface.blit(text, (MARGIN, y + 4))
            bar_left = MARGIN + text.get_width() + 14
            bar_width = WIDTH - MARGIN - bar_left
            pygame.draw.rect(surface, BUTTON, (bar_left, y + 4, bar_width, 16), border_radius=8)
            pygame.draw.rect(
                surface, _score_colour(score), (bar_left, y + 4, int(bar_width * score / 10), 16), border_radius=8
            )
        return surface

    def frame(self, query: str, response: str | None, score: float | None, intent: str | None = None):
        """The window as an (height, width, 3) uint8 array."""
        return rendering.surface_to_array(self._draw(query, response, score, intent))

    def show(self, query: str, response: str | None, score: float | None, intent: str | None = None) -> None:
        self.window.show(self._draw(query, response, score, intent))

    # -- asking a person -------------------------------------------------------------------

    @staticmethod
    def score_buttons():
        """(value, rect) of the eleven score buttons 0..10 along the bottom of the window."""
        pygame = rendering.import_pygame()
        gap = 6
        size = (WIDTH - 2 * MARGIN - 10 * gap) // 11
        top = HEIGHT - MARGIN - size
        return [(v, pygame.Rect(MARGIN + v * (size + gap), top, size, size)) for v in range(11)]

    @staticmethod
    def choice_buttons(n: int):
        """(index, rect) of ``n`` answer buttons stacked in the lower part of the window."""
        pygame = rendering.import_pygame()
        top = HEADER + 90
        height = max(16, min(34, (HEIGHT - top - MARGIN) // max(n, 1) - 4))
        return [(i, pygame.Rect(MARGIN, top + i * (height + 4), WIDTH - 2 * MARGIN, height)) for i in range(n)]

    def _wait_click(self, surface, buttons) -> int:
        """Show ``surface`` and wait until a button is clicked; closing the window ends feedback."""
        pygame = rendering.import_pygame()
        self.window.show(surface)
        while True:
            for event in pygame.event.get():
                if event.type == pygame.QUIT or (
                    event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_q)
                ):
                    raise HumanFeedbackEnded("the person rating closed the window: feedback stopped")
                if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
                    for value, rect in buttons:
                        if rect.collidepoint(event.pos):
                            return value
            pygame.time.wait(20)

    def ask_score(self, query: str, response: str) -> float:
        """Show the exchange with buttons 0..10 and return the score the person clicks."""
        pygame = self._setup()
        surface = self._draw(query, response, None)
        font = self._fonts["text"]
        buttons = self.score_buttons()
        prompt = self._fonts["small"].render(
            "Click your score for the chatbot's answer (0 awful, 10 perfect):", True, rendering.TEXT
        )
        surface.blit(prompt, (MARGIN, buttons[0][1].top - prompt.get_height() - 6))
        for value, rect in buttons:
            pygame.draw.rect(surface, _score_colour(value), rect, border_radius=6)
            label = font.render(str(value), True, (255, 255, 255))
            surface.blit(label, label.get_rect(center=rect.center))
        return float(self._wait_click(surface, buttons))

    def ask_choice(self, query: str, options: list[str]) -> int:
        """Show the query and numbered answers; return the index of the one the person clicks."""
        pygame = self._setup()
        surface = self._background.copy()
        self._bubble(surface, query, "User", HEADER + 10, True, USER_BUBBLE)
        small = self._fonts["small"]
        buttons = self.choice_buttons(len(options))
        hint = small.render("Click the best answer:", True, rendering.TEXT)
        surface.blit(hint, (MARGIN, buttons[0][1].top - hint.get_height() - 4))
        for i, rect in buttons:
            pygame.draw.rect(surface, BOT_BUBBLE, rect, border_radius=8)
            pygame.draw.rect(surface, BUBBLE_EDGE, rect, width=1, border_radius=8)
            wrapped = _wrap(f"{i + 1}) {options[i]}", small, rect.width - 24)
            text = wrapped[0] + (" ..." if len(wrapped) > 1 else "")
            surface.blit(
                small.render(text, True, rendering.TEXT), (rect.left + 6, rect.centery - small.get_height() // 2)
            )
        return int(self._wait_click(surface, buttons))

    def close(self) -> None:
        self.window.close()
