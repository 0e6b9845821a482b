"""What the env pages are made of: every env's docstring, and its pictures in git.

The site has a page per id of ``rldojo.ENV_IDS`` (``docs/scripts/gen_pages.py`` makes it from
the env class's docstring). For every id: the docstring has the eight Gymnasium sections; its
Arguments section has a bullet ``- ``name`` (default ``value``): ...`` for every parameter of
the constructor, with the constructor's default, and no other; and the page's GIF (and the
gallery's still) are files that git tracks.
"""

import ast
import inspect
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import rldojo

ROOT = Path(__file__).resolve().parents[2]

# A top-level bullet of an Arguments section, and the "(default ``value``)" that follows its name.
BULLET = re.compile(r"^- (?P<tick>`{1,2})(?P<name>\w+)(?P=tick)(?P<rest>.*)$")
DEFAULT = re.compile(r"^ \(default (?P<tick>`{1,2})(?P<value>.+?)(?P=tick)\):")


def parameters(cls: type) -> dict[str, inspect.Parameter]:
    """The constructor's options: every parameter of ``__init__`` but ``self`` (and ``*args``, ``**kwargs``)."""
    signature = inspect.signature(cls)
    return {
        name: p
        for name, p in signature.parameters.items()
        if p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    }


def argument_bullets(section: str) -> list[tuple[str, str | None]]:
    """(name, default as written or None) of each top-level bullet of an Arguments section.

    A top-level bullet that does not start with an option's name in backticks is returned as
    ("", None), so that the test reports it.
    """
    bullets: list[tuple[str, str | None]] = []
    in_fence = False
    for line in section.splitlines():
        if line.strip().startswith("```"):
            in_fence = not in_fence
        if in_fence or not line.startswith("- "):
            continue
        match = BULLET.match(line)
        if match is None:
            bullets.append(("", None))
            continue
        default = DEFAULT.match(match["rest"])
        bullets.append((match["name"], default["value"] if default else None))
    return bullets


def default_value(text: str):
    """A default as the docstring writes it: a Python literal, or a fraction such as 1/6."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        pass
    fraction = re.fullmatch(r"(\d+)/(\d+)", text)
    assert fraction, f"the default {text!r} is neither a Python literal nor a fraction"
    return int(fraction[1]) / int(fraction[2])


def test_every_env_id_has_a_page(gen_pages):
    assert list(gen_pages.ENV_PAGES) == list(rldojo.ENV_IDS)
    slugs = [page.slug for page in gen_pages.ENV_PAGES.values()]
    assert len(set(slugs)) == len(slugs)


@pytest.mark.parametrize("env_id", rldojo.ENV_IDS)
def test_docstring_has_the_eight_sections(env_id, gen_pages):
    cls = gen_pages.env_class(env_id)  # the class of gym.spec(env_id).entry_point
    sections = gen_pages.docstring_sections(cls.__doc__ or "")
    missing = [title for title in gen_pages.ENV_SECTIONS if not sections.get(title, "").strip()]
    assert not missing, f"{cls.__name__}'s docstring lacks the sections {missing}"


@pytest.mark.parametrize("env_id", rldojo.ENV_IDS)
def test_arguments_name_every_option_with_its_default(env_id, gen_pages):
    cls = gen_pages.env_class(env_id)
    section = gen_pages.docstring_sections(cls.__doc__ or "").get("Arguments", "")
    bullets = argument_bullets(section)
    options = parameters(cls)
    named = [name for name, _ in bullets]
    assert "" not in named, f"{cls.__name__}: an Arguments bullet does not start with an option's name in backticks"
    assert len(set(named)) == len(named), f"{cls.__name__}: an option is listed twice: {named}"
    missing = [name for name in options if name not in named]
    unknown = [name for name in named if name not in options]
    assert not missing, f"{cls.__name__}'s Arguments section does not name {missing}"
    assert not unknown, f"{cls.__name__}'s Arguments section names {unknown}, which __init__ does not take"
    for name, written in bullets:
        assert written is not None, f"{cls.__name__}: the bullet of {name!r} lacks its '(default ``value``)'"
        value, actual = default_value(written), options[name].default
        assert type(value) is type(actual) and value == actual, (
            f"{cls.__name__}: {name}'s default is written {written}, but __init__ has {actual!r}"
        )


def git_tracked(path: str) -> bool:
    """Whether git tracks ``path`` (relative to the checkout); skips when git cannot say."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not available, so whether the pictures are tracked cannot be checked")
    result = subprocess.run(
        [git, "ls-files", "--error-unmatch", "--", path], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0 and "not a git repository" in result.stderr:
        pytest.skip("this is not a git checkout, so whether the pictures are tracked cannot be checked")
    return result.returncode == 0


@pytest.mark.parametrize("env_id", rldojo.ENV_IDS)
def test_pictures_are_committed(env_id, gen_pages):
    page = gen_pages.ENV_PAGES[env_id]
    pictures = [f"{page.slug}.gif", f"{page.slug}.png", *(image for image, _ in page.extra_images)]
    for picture in pictures:
        path = f"docs/img/envs/{picture}"
        assert (ROOT / path).is_file(), f"{path} is missing (docs/scripts/make_media.py makes it)"
        assert git_tracked(path), f"{path} exists but git does not track it: git add it"
