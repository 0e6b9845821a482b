"""A Griffe extension for the API reference: class docstrings that are built when the module runs.

``KuhnPokerEnv`` and ``LeducHoldemEnv`` share their Arguments section, so their docstrings are
an f-string assigned to ``__doc__`` that includes ``_ARGUMENTS_DOC``. Griffe reads the source without running it
and sees no docstring there, so mkdocstrings would leave the two classes out. For a class
that assigns ``__doc__`` in its body and has no literal docstring, this extension imports the
class and takes the docstring it has at run time. Nothing else is touched.

``gen_pages.py`` names this file in the options of the ``:::`` blocks it writes.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import griffe


class RuntimeDocstrings(griffe.Extension):
    """Give a class with ``__doc__ = <expression>`` its run-time docstring."""

    def on_class(self, *, cls: griffe.Class, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        if cls.docstring is not None or "__doc__" not in cls.members:
            return
        module = importlib.import_module(cls.module.path)
        obj: Any = module
        for part in cls.path.removeprefix(cls.module.path + ".").split("."):
            obj = getattr(obj, part)
        doc = inspect.getdoc(obj)
        if doc:
            cls.docstring = griffe.Docstring(
                doc,
                parent=cls,
                parser=loader.docstring_parser,
                parser_options=loader.docstring_options,
            )
