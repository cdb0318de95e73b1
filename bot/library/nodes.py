"""Parse YAML into plain Python values while remembering where every key and item was.

``yaml.safe_load`` throws positions away, and silently keeps the last of two equal keys (two
``prompts:`` sections pasted into one file would lose the first). Composing the node graph and
walking it ourselves keeps a 1-based line and column for every mapping key and list item, and
reports repeated keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

Loc = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Pos:
    """A 1-based line and column in the source file."""

    line: int
    column: int

    @classmethod
    def of(cls, mark: yaml.Mark | None) -> Pos:
        if mark is None:
            return cls(1, 1)
        return cls(mark.line + 1, mark.column + 1)


@dataclass(frozen=True)
class Repeated:
    """A mapping key given twice."""

    loc: Loc
    first: Pos
    again: Pos


@dataclass(frozen=True)
class BadScalar:
    """A scalar with a tag the safe loader cannot build (e.g. ``!!python/object``)."""

    pos: Pos
    problem: str


@dataclass
class Document:
    """A parsed file: its value, the position of every key and item, and problems found."""

    value: object = None
    positions: dict[Loc, Pos] = field(default_factory=dict)
    repeated: list[Repeated] = field(default_factory=list)
    bad_scalars: list[BadScalar] = field(default_factory=list)

    def pos(self, loc: Loc) -> Pos:
        """The position of ``loc``, or of its nearest known ancestor."""
        for end in range(len(loc), -1, -1):
            found = self.positions.get(loc[:end])
            if found is not None:
                return found
        return Pos(1, 1)


class YamlSyntaxError(Exception):
    """The text is not valid YAML."""

    def __init__(self, pos: Pos, problem: str) -> None:
        super().__init__(problem)
        self.pos = pos
        self.problem = problem


# libyaml's parser, when PyYAML was built with it: about 14 times faster on the shipped library
# (most of a start-up was pure-Python YAML), with the same nodes and positions.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse(text: str) -> Document:
    """Compose ``text`` and convert it to Python values with positions."""
    try:
        try:
            root = yaml.compose(text, Loader=_LOADER)
        except yaml.YAMLError:
            # A broken file: the pure-Python parser words its problems better (and the same
            # everywhere); it is only needed then.
            root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        parts = [p for p in (exc.context, exc.problem) if p]
        raise YamlSyntaxError(Pos.of(mark), ", ".join(parts)) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        column = exc.position - (before.rfind("\n") + 1) + 1
        raise YamlSyntaxError(Pos(before.count("\n") + 1, column), exc.reason) from None
    doc = Document()
    if root is not None:
        doc.positions[()] = Pos.of(root.start_mark)
        doc.value = _Walker(doc).walk(root, ())
    return doc


class _Walker:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.constructor = SafeConstructor()
        self.stack: set[int] = set()

    def walk(self, node: yaml.Node, loc: Loc) -> object:
        if id(node) in self.stack:  # an alias pointing at its own ancestor
            return None
        self.stack.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, loc)
            if isinstance(node, yaml.SequenceNode):
                return self._sequence(node, loc)
            return self._scalar(node)
        finally:
            self.stack.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, object]:
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            raw = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            key = raw if isinstance(raw, str) else str(raw)
            pos = Pos.of(key_node.start_mark)
            if key in result:
                self.doc.repeated.append(
                    Repeated((*loc, key), self.doc.positions[(*loc, key)], pos)
                )
                continue
            self.doc.positions[(*loc, key)] = pos
            result[key] = self.walk(value_node, (*loc, key))
        return result

    def _sequence(self, node: yaml.SequenceNode, loc: Loc) -> list[object]:
        items: list[object] = []
        for index, item in enumerate(node.value):
            self.doc.positions[(*loc, index)] = Pos.of(item.start_mark)
            items.append(self.walk(item, (*loc, index)))
        return items

    def _scalar(self, node: yaml.Node) -> object:
        try:
            return self.constructor.construct_object(node, deep=True)
        except ConstructorError as exc:
            self.doc.bad_scalars.append(BadScalar(Pos.of(node.start_mark), exc.problem or ""))
            return None
