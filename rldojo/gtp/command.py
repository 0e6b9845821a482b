"""``rldojo gtp``: the command line of the GTP engine (its options, its help, and the loop over stdin/stdout)."""

from __future__ import annotations

import argparse
import sys

from rldojo.envs.go.board import KO_RULES, MAX_SIZE, MIN_SIZE
from rldojo.gtp.engine import GoEngine
from rldojo.gtp.players import SIMPLE_ENGINES, load_player

DESCRIPTION = """\
rldojo as a Go program: a GTP (Go Text Protocol, version 2) engine on stdin and stdout.

It plays a saved Go agent (--agent PATH: any agent trained on Go-v0, rldojo or SB3) or
the search, MCTS with RAVE over rldojo's rules (--engine mcts, the default; its prior
is a saved SARSA self-play agent given with --prior; on an empty 5x5 board it plays the
solved first move, C3, without searching). Rules: area scoring (Tromp-Taylor:
every stone on the board counts), suicide illegal, positional superko.

Commands: protocol_version name version known_command list_commands quit boardsize
clear_board komi play genmove undo showboard final_score time_settings time_left
fixed_handicap set_free_handicap loadsgf. With time_settings and time_left the search
gives each move a share of the time left (never more than --seconds, when given).
"""

EPILOG = """\
GoGui (https://github.com/Remi-Coulom/gogui):
  Program > New Program, Command:
      rldojo gtp --engine mcts --seconds 2
  (or: rldojo gtp --agent /full/path/model.pt), Working directory: any. Then
  Program > Attach and play; Game > Board Size must be one the agent plays.

Sabaki (https://sabaki.yichuanshen.de):
  Engines > Show Engines Sidebar > Manage Engines > Add. Path: the full path of
  `rldojo` (see `which rldojo`), Arguments: gtp --engine mcts --seconds 2. Then
  attach it as White or Black from the engines sidebar.

Against GNU Go with a referee: run GNU Go with Chinese rules and --capture-all-dead
so that the final position scores right by area.
  gogui-twogtp (ships with GoGui):
      gogui-twogtp -black "rldojo gtp --engine mcts --seconds 1" \\
          -white "gnugo --mode gtp --level 10 --chinese-rules --capture-all-dead" \\
          -size 5 -komi 7.5 -games 20 -alternate -auto -sgffile games/rldojo-gnugo
  gomill's ringmaster (pip install gomill): a control file rldojo-gnugo.ctl:
      competition_type = 'playoff'
      board_size = 5
      komi = 7.5
      players = {
          'rldojo': Player('rldojo gtp --engine mcts --seconds 1'),
          'gnugo': Player('gnugo --mode gtp --level 10 --chinese-rules --capture-all-dead'),
      }
      matchups = [Matchup('rldojo', 'gnugo', alternating=True, number_of_games=20,
                          scorer='internal')]
  then: ringmaster rldojo-gnugo.ctl  (results: ringmaster rldojo-gnugo.ctl show)
  Both save every game as SGF. scorer='internal' counts the final position by area
  with every stone alive, as rldojo does.
"""


def build_parser(prog: str = "rldojo gtp") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agent", metavar="PATH", help="a saved Go agent (model.pt or an SB3 .zip) to play")
    parser.add_argument(
        "--engine",
        choices=("mcts", *SIMPLE_ENGINES),
        default="mcts",
        help="without --agent: the search (mcts, default) or a simple player for trying a set-up",
    )
    search = parser.add_argument_group("the search (--engine mcts)")
    search.add_argument("--playouts", type=int, metavar="N", help="simulations a move (the agent's default if unset)")
    search.add_argument("--seconds", type=float, metavar="S", help="time a move instead of a playout count")
    search.add_argument("--prior", metavar="PATH", help="a saved selfplay-sarsa agent, the search's prior knowledge")
    search.add_argument("--resign", type=float, metavar="RATE", help="resign below this win rate (0: never)")
    parser.add_argument("--seed", type=int, default=0, help="the player's seed (default 0)")
    parser.add_argument(
        "--size",
        type=int,
        metavar="N",
        help=f"board size at start, {MIN_SIZE} to {MAX_SIZE} (default: the agent's, else 9); boardsize changes it",
    )
    parser.add_argument("--komi", type=float, default=7.5, help="komi at start (default 7.5); komi changes it")
    parser.add_argument("--ko-rule", choices=KO_RULES, default="positional_superko")
    parser.add_argument("--name", default="rldojo", help="the engine's answer to `name`")
    return parser


def make_engine(args: argparse.Namespace) -> GoEngine:
    """The engine the options describe."""
    options = {
        key: value
        for key, value in (
            ("playouts", args.playouts),
            ("seconds", args.seconds),
            ("prior_path", args.prior),
            ("resign_threshold", args.resign),
        )
        if value is not None
    }
    player = load_player(args.agent, engine=args.engine, seed=args.seed, **options)
    size = args.size if args.size is not None else getattr(player, "size", 9)
    return GoEngine(player, size=size, komi=args.komi, ko_rule=args.ko_rule, name=args.name)


def main(argv: list[str] | None = None, prog: str = "rldojo gtp") -> int:
    """Run the engine on stdin and stdout until ``quit`` or the end of the input."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    replies = sys.stdout.buffer
    # The protocol owns stdout: whatever else prints (a library's banner, a warning) goes to stderr.
    sys.stdout = sys.stderr
    try:
        engine = make_engine(args)
    except (ValueError, FileNotFoundError) as error:
        parser.error(str(error))
    try:
        engine.server().serve(sys.stdin.buffer, replies)
    except (BrokenPipeError, KeyboardInterrupt):  # the controller went away
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
