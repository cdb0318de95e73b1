"""The bot uses its dependencies' public APIs only: a walk over every module's syntax tree.

Private names of python-telegram-bot, SQLAlchemy, aiohttp and httpx change between patch
releases without notice; the legacy bulk methods of SQLAlchemy's Session are on their way out.
This keeps them out of ``bot/`` for good.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"
DEPENDENCIES = frozenset({"telegram", "sqlalchemy", "aiohttp", "httpx"})
# Private attributes that were reached for once (or are the obvious temptation).
PRIVATE_ATTRIBUTES = frozenset(
    {
        "_post",
        "_run_request",
        "_retry_after_event",
        "_request",
        "_do_post",
        "_insert_defaults",
        "_bot",
    }
)
LEGACY_BULK = frozenset({"bulk_save_objects", "bulk_insert_mappings", "bulk_update_mappings"})


def private_module(module: str) -> bool:
    """A dependency's module path with a component that starts with an underscore."""
    parts = module.split(".")
    return parts[0] in DEPENDENCIES and any(part.startswith("_") for part in parts[1:])


class Finder(ast.NodeVisitor):
    """Collects every use of a dependency's private API in one module."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.from_dependency: set[str] = set()  # names the module binds to a dependency
        self.classes: list[bool] = []  # for each enclosing class: does it extend a dependency's?

    def flag(self, node: ast.AST, what: str) -> None:
        self.found.append(f"line {getattr(node, 'lineno', '?')}: {what}")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if private_module(alias.name):
                self.flag(node, f"import {alias.name}")
            if alias.name.split(".")[0] in DEPENDENCIES:
                self.from_dependency.add((alias.asname or alias.name).split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level or module.split(".")[0] not in DEPENDENCIES:
            return
        for alias in node.names:
            if private_module(module) or private_module(f"{module}.{alias.name}"):
                self.flag(node, f"from {module} import {alias.name}")
            self.from_dependency.add(alias.asname or alias.name)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(any(self.is_dependency(base) for base in node.bases))
        self.generic_visit(node)
        self.classes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.check_override(node)
        self.generic_visit(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.check_override(node)
        self.generic_visit(node)

    def check_override(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if self.classes and self.classes[-1] and node.name in PRIVATE_ATTRIBUTES:
            self.flag(node, f"overrides {node.name}")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        private = node.attr in PRIVATE_ATTRIBUTES and self.reaches_dependency(node.value)
        if private or node.attr in LEGACY_BULK:
            self.flag(node, f".{node.attr}")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        # getattr(bot, "_post") is the same reach, spelled differently.
        if (
            isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in PRIVATE_ATTRIBUTES | LEGACY_BULK
        ):
            self.flag(node, f"getattr(..., {node.args[1].value!r})")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in LEGACY_BULK:
            self.flag(node, node.id)

    def reaches_dependency(self, value: ast.expr) -> bool:
        """Whether ``value._x`` may be a dependency's private attribute.

        Anything but ``self``/``cls`` may hold a dependency's object (a Bot, a Session...);
        ``self``/``cls`` only counts inside a class that extends one of the dependency's.
        """
        if isinstance(value, ast.Name) and value.id in {"self", "cls"}:
            return bool(self.classes and self.classes[-1])
        return True

    def is_dependency(self, base: ast.expr) -> bool:
        root = base
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Subscript):  # BaseRateLimiter[int]
            return self.is_dependency(root.value)
        return isinstance(root, ast.Name) and root.id in self.from_dependency


def uses_of_private_apis(source: str) -> list[str]:
    """Every use of a dependency's private or legacy API in one module's source."""
    finder = Finder()
    finder.visit(ast.parse(source))
    return finder.found


def modules() -> Iterator[Path]:
    yield from sorted(BOT.rglob("*.py"))


def test_no_module_of_the_bot_reaches_into_a_dependencys_private_or_legacy_api() -> None:
    found = {
        str(path.relative_to(BOT.parent)): uses
        for path in modules()
        if (uses := uses_of_private_apis(path.read_text(encoding="utf-8")))
    }

    assert found == {}


def test_the_walk_sees_every_module_of_the_bot() -> None:
    paths = {path.relative_to(BOT).as_posix() for path in modules()}

    assert {"kernel/telegram/ratelimit.py", "features/evening/jobs.py"} <= paths


@pytest.mark.parametrize(
    "source",
    [
        "from telegram._utils.types import JSONDict",
        "from telegram._utils import types",
        "from telegram import _utils",
        "import telegram._utils.defaultvalue",
        "from sqlalchemy.orm._typing import _O",
        "from aiohttp._http_parser import HttpRequestParser",
        "import httpx._client as client",
        "async def f(bot):\n    await bot._post('editMessageText', {})",
        "def f(app):\n    return app.bot._request",
        "async def f(session):\n    await session.run_sync(lambda s: s.bulk_save_objects([]))",
        "def f(session):\n    session.bulk_insert_mappings(object, [])",
        "def f(bot):\n    return getattr(bot, '_post')",
        (
            "from telegram.ext import AIORateLimiter\n"
            "class Limiter(AIORateLimiter):\n"
            "    async def _run_request(self):\n"
            "        await self._retry_after_event.wait()"
        ),
        (
            "import telegram.ext as ext\n"
            "class Limiter(ext.BaseRateLimiter[int]):\n"
            "    def f(self):\n"
            "        return self._bot"
        ),
    ],
)
def test_the_walk_catches_each_kind_of_private_reach(source: str) -> None:
    assert uses_of_private_apis(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "from telegram.ext import BaseRateLimiter",
        "from sqlalchemy import insert",
        "from .transport import _sum",
        "class Client:\n    async def _request(self):\n        return await self._request()",
        "from telegram.request import BaseRequest\nDEFAULT = BaseRequest.DEFAULT_NONE",
    ],
)
def test_the_walk_leaves_public_apis_and_the_bots_own_private_names_alone(source: str) -> None:
    assert uses_of_private_apis(source) == []
