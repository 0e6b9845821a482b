"""The Go Text Protocol, version 2, without the Go: reading commands, writing replies, the protocol's own commands.

The Go half (boards, moves, the clock) is :mod:`rldojo.gtp.engine`; it hands a
:class:`GtpServer` its table of commands, and the server does the rest of GTP:

- a command line is ``[id] command_name [arguments]``; control characters other than
  HT and LF are dropped, HT is a space, ``#`` starts a comment, an empty line is skipped;
- a reply is ``=[id] result`` or ``?[id] error_message``, ended by a blank line, the id
  echoed when the command had one;
- ``protocol_version``, ``known_command``, ``list_commands`` and ``quit`` are answered here.

The wording follows the specification (Gunnar Farnebäck, *Specification of the Go Text
Protocol, version 2, draft 2*), and its reference implementation, GNU Go, where the
specification leaves a choice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

__all__ = ["Command", "GtpError", "GtpServer", "parse_command", "reply"]

PROTOCOL_VERSION = "2"
# Control characters the protocol keeps (HT becomes a space; LF ends the line); the rest are dropped.
_DROPPED = {code: None for code in (*range(0, 9), *range(11, 32), 127)}

Handler = Callable[[list[str]], str]


class GtpError(Exception):
    """A command failed: the message is the error message of the ``?`` reply (``illegal move``, ...)."""


@dataclass(frozen=True)
class Command:
    """One command line, parsed: the optional id, the command name and its arguments."""

    id: int | None
    name: str
    arguments: list[str]


def parse_command(line: str) -> Command | None:
    """The command on one input line, or None for a line with none (empty, blank or only a comment)."""
    text = line.translate(_DROPPED).replace("\t", " ").split("#", 1)[0]
    words = text.split()
    if not words:
        return None
    command_id = None
    if words[0].isdigit():  # an id is a non-negative integer before the command name
        command_id = int(words.pop(0))
    if not words:
        return Command(command_id, "", [])
    return Command(command_id, words[0], words[1:])


def reply(command_id: int | None, result: str, success: bool = True) -> str:
    """A whole reply: ``=`` or ``?``, the id if any, a space, the text, and the blank line that ends it.

    Blank lines inside ``result`` would end the reply early, so they are dropped (the first
    line may be empty: a board diagram starts on the line after the ``=``).
    """
    first, *rest = result.split("\n")
    text = "\n".join([first, *(line for line in rest if line.strip())])
    return f"{'=' if success else '?'}{'' if command_id is None else command_id} {text}\n\n"


class GtpServer:
    """Answers GTP commands with a table of handlers, a line at a time or over a pair of streams.

    :param commands: command name -> handler; a handler takes the arguments (a list of
        words) and returns the result text, or raises :class:`GtpError` with the error message
    """

    def __init__(self, commands: dict[str, Handler]):
        self.commands: dict[str, Handler] = {
            "protocol_version": lambda args: PROTOCOL_VERSION,
            "known_command": self._known_command,
            "list_commands": lambda args: "\n".join(sorted(self.commands)),
            "quit": lambda args: "",
            **commands,
        }
        self.finished = False  # set by quit

    def _known_command(self, arguments: list[str]) -> str:
        if len(arguments) != 1:
            raise GtpError("syntax error")
        return "true" if arguments[0] in self.commands else "false"

    def handle(self, line: str) -> str | None:
        """The reply to one input line (None when the line holds no command)."""
        command = parse_command(line)
        if command is None:
            return None
        handler = self.commands.get(command.name)
        if handler is None:
            return reply(command.id, "unknown command", success=False)
        try:
            result = handler(command.arguments)
        except GtpError as error:
            return reply(command.id, str(error), success=False)
        except Exception as error:  # the engine stays up: a controller cannot recover from a dead engine
            return reply(command.id, f"internal error: {type(error).__name__}: {error}", success=False)
        if command.name == "quit":
            self.finished = True
        return reply(command.id, result)

    def serve(self, stdin: BinaryIO, stdout: BinaryIO) -> None:
        """Answer every command read from ``stdin`` on ``stdout`` until ``quit`` or the end of the input."""
        while not self.finished:
            raw = stdin.readline()
            if not raw:
                return
            answer = self.handle(raw.decode("utf-8", "replace"))
            if answer is not None:
                stdout.write(answer.encode("utf-8", "replace"))
                stdout.flush()
