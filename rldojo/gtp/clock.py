"""GTP's clock (``time_settings``, ``time_left``) and the time the engine gives itself for a move.

GTP's time system is Canadian byo-yomi: ``main_time`` seconds, then ``byo_yomi_stones``
moves to play in each period of ``byo_yomi_time`` seconds. ``byo_yomi_time == 0`` is
absolute time; ``byo_yomi_time > 0`` with ``byo_yomi_stones == 0`` means no limit.
The controller reports each player's clock with ``time_left color time stones``
(``stones`` is 0 during the main time).

The budget for a move is a share of what is left, kept under the limit with a margin:

- in byo-yomi: the period's time divided by the stones still to play in it;
- in main time: the time left divided by the moves the game may still need (half the empty
  points, at least :data:`MIN_MOVES_LEFT`), plus one byo-yomi stone's share when there is
  byo-yomi to fall back on;
- then :data:`SAFETY` of that, less :data:`LATENCY` for the protocol and the process, and
  at least :data:`MIN_SECONDS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Clock"]

MIN_MOVES_LEFT = 10
SAFETY = 0.8
LATENCY = 0.05
MIN_SECONDS = 0.01


@dataclass
class Clock:
    """The time settings of a game and the last ``time_left`` report of each colour.

    :param main_time: seconds of main time; None until ``time_settings`` (no limit)
    :param byo_yomi_time: seconds of each byo-yomi period (0: absolute time)
    :param byo_yomi_stones: moves to play in each period (0 with a period: no limit)
    """

    main_time: float | None = None
    byo_yomi_time: float = 0.0
    byo_yomi_stones: int = 0
    left: dict[int, tuple[float, int]] = field(default_factory=dict)  # colour -> (seconds, stones) reported

    def set(self, main_time: float, byo_yomi_time: float, byo_yomi_stones: int) -> None:
        """New time settings (``time_settings``); the players' reported clocks are forgotten."""
        self.main_time, self.byo_yomi_time, self.byo_yomi_stones = main_time, byo_yomi_time, byo_yomi_stones
        self.left = {}

    def report(self, color: int, seconds: float, stones: int) -> None:
        """A ``time_left`` report for ``color`` (1 black, 2 white)."""
        self.left[color] = (seconds, stones)

    @property
    def unlimited(self) -> bool:
        """No time limits: no settings yet, or byo-yomi periods of no stones (GTP's way to say none)."""
        return self.main_time is None or (self.byo_yomi_time > 0 and self.byo_yomi_stones == 0)

    def budget(self, color: int, empty_points: int) -> float | None:
        """Seconds for ``color``'s next move with ``empty_points`` empty points on the board; None without limits."""
        if self.unlimited:
            return None
        if color in self.left:
            seconds, stones = self.left[color]
        elif self.main_time > 0:
            seconds, stones = self.main_time, 0
        else:  # no main time: the game starts in byo-yomi
            seconds, stones = self.byo_yomi_time, self.byo_yomi_stones
        if stones > 0:
            share = seconds / stones
        else:
            share = seconds / max(MIN_MOVES_LEFT, empty_points // 2)
            if self.byo_yomi_stones > 0:
                share += self.byo_yomi_time / self.byo_yomi_stones
        return max(MIN_SECONDS, SAFETY * share - LATENCY)
