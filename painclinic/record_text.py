"""Read a record file (a visit, a practice attempt) into plain data, refusing what YAML would
silently misread.

PyYAML follows YAML 1.1 and trusts its input: `2026-02-30` unquoted raises a bare ValueError,
a second `visit:` key silently replaces the first, `010` is octal 8, `7:30` is 450, aliases can
expand a kilobyte into gigabytes, and a 5,000-digit integer raises ValueError. The loader here
reads the YAML 1.2 core schema instead, turns every such case into `UnreadableRecord` with the
line and column (never the text found there: it may be the patient's), and leaves dates as
text so that a wrong date is reported by the model against its field path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode

from painclinic.knowledge import YamlLoader

# No visit record or attempt comes near this; a larger file is a mistake (a 50 MB file held
# a 6-million-item list that took 29 s and 2.8 GB to accept), so it is refused unread.
MAX_RECORD_BYTES = 1_000_000
# No number in a record needs more digits; Python itself refuses int() past 4,300.
MAX_NUMBER_DIGITS = 100


class UnreadableRecord(Exception):
    """The text is not a record we can read; `problem` says why, without quoting it."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(problem)


class NumberTooLong:
    """Stands in for an integer literal of more than MAX_NUMBER_DIGITS digits, so that the
    model reports it as a wrong value at its own field path."""

    def __repr__(self) -> str:
        return "a number too long to read"


def _at(node: Node) -> str:
    mark = node.start_mark
    return f"line {mark.line + 1}, column {mark.column + 1}"


class RecordLoader(YamlLoader):  # type: ignore[misc,valid-type]
    """A safe loader for records: YAML 1.2 core scalars, no duplicate keys, no aliases."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        # An alias hands the composer's node back a second time: refusing that is what stops
        # billion-laughs expansion, and a visit record has no use for anchors.
        if node in self.constructed_objects or node in self.recursive_objects:
            raise ConstructorError(
                None, None, f"aliases (*name) are not allowed; the anchor is at {_at(node)}"
            )
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, MappingNode):
            raise ConstructorError(None, None, f"expected a mapping at {_at(node)}")
        mapping: dict[Any, Any] = {}
        where: dict[Any, Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise ConstructorError(
                    None, None, f"merge keys (<<) are not allowed: {_at(key_node)}"
                )
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                raise ConstructorError(
                    None, None, f"a key must be a plain value: {_at(key_node)}"
                ) from None
            if key in mapping:
                raise ConstructorError(
                    None,
                    None,
                    f"the key at {_at(key_node)} repeats the key at {_at(where[key])} in the "
                    "same mapping (each field may be given once)",
                )
            where[key] = key_node
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _scalar(constructor: Callable[[Any, ScalarNode], Any], kind: str) -> Callable[..., Any]:
    """A scalar constructor whose failure (`!!int abc`, `!!bool maybe`) is a clear error."""

    def construct(loader: RecordLoader, node: ScalarNode) -> Any:
        try:
            return constructor(loader, node)
        except (ValueError, KeyError, TypeError, OverflowError):
            raise ConstructorError(
                None, None, f"the value at {_at(node)} cannot be read as {kind}"
            ) from None

    return construct


def _int(loader: RecordLoader, node: ScalarNode) -> int | NumberTooLong:
    """Decimal, 0x hex or 0o octal (YAML 1.2): a leading zero never makes a number octal."""
    text = str(loader.construct_scalar(node)).replace("_", "")
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if len(digits) > MAX_NUMBER_DIGITS:
        return NumberTooLong()
    if digits[:2] in ("0x", "0o"):
        return sign * int(digits[2:], 16 if digits[1] == "x" else 8)
    return sign * int(digits, 10)


def _float(loader: RecordLoader, node: ScalarNode) -> float:
    text = str(loader.construct_scalar(node)).replace("_", "").lower()
    return float(text.replace(".inf", "inf").replace(".nan", "nan"))


def _text(loader: RecordLoader, node: ScalarNode) -> str:
    # Dates stay text: the model parses them and names the field of an impossible one.
    return str(loader.construct_scalar(node))


def _refused(loader: RecordLoader, node: Node) -> Any:
    raise ConstructorError(None, None, f"this kind of value is not allowed: {_at(node)}")


_YAML = "tag:yaml.org,2002:"
RecordLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regex)
        for tag, regex in resolvers
        if tag not in (f"{_YAML}bool", f"{_YAML}int", f"{_YAML}float", f"{_YAML}timestamp")
    ]
    for first, resolvers in YamlLoader.yaml_implicit_resolvers.items()
}
# YAML 1.2 core schema: only true/false are booleans (`baseline: off` stays text; pydantic
# still accepts yes/no/on/off where a field *is* boolean), and no sexagesimal numbers.
RecordLoader.add_implicit_resolver(
    f"{_YAML}bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
RecordLoader.add_implicit_resolver(
    f"{_YAML}int",
    re.compile(r"^(?:[-+]?[0-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+)$"),
    list("-+0123456789"),
)
RecordLoader.add_implicit_resolver(
    f"{_YAML}float",
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
for _tag, _build, _kind in (
    ("int", _int, "a whole number"),
    ("float", _float, "a number"),
    ("bool", YamlLoader.yaml_constructors[f"{_YAML}bool"], "true or false"),
    ("null", YamlLoader.yaml_constructors[f"{_YAML}null"], "null"),
    ("str", YamlLoader.yaml_constructors[f"{_YAML}str"], "text"),
    ("timestamp", _text, "a date"),
):
    RecordLoader.add_constructor(f"{_YAML}{_tag}", _scalar(_build, _kind))
for _tag in ("binary", "set", "omap", "pairs"):
    RecordLoader.add_constructor(f"{_YAML}{_tag}", _refused)


def read_record_file(path: Path) -> str:
    """The file's text: refused unread when over the size limit, and when not UTF-8."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_RECORD_BYTES + 1)
    except OSError as exc:
        raise UnreadableRecord(f"cannot read the file ({exc.strerror or 'not readable'})") from None
    if len(raw) > MAX_RECORD_BYTES:
        raise UnreadableRecord(_too_big())
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableRecord(
            f"not UTF-8 text (the first bad byte is byte {exc.start + 1}); save the file as UTF-8"
        ) from None


def parse_record_text(text: str) -> Any:
    """The plain data (dicts, lists, text, numbers) a YAML or JSON record holds."""
    if (
        len(text) > MAX_RECORD_BYTES
        or len(text.encode("utf-8", "surrogatepass")) > MAX_RECORD_BYTES
    ):
        raise UnreadableRecord(_too_big())
    try:
        return yaml.load(text, Loader=RecordLoader)
    except yaml.YAMLError as exc:
        raise UnreadableRecord(_yaml_problem(exc)) from None
    except RecursionError:
        raise UnreadableRecord("not valid YAML or JSON: nested too deeply") from None


def _too_big() -> str:
    return f"the file is larger than {MAX_RECORD_BYTES // 1_000_000} MB, the most a record may be"


# PyYAML quotes what it found ("the tag '!Smithson'"): anything longer than a syntax token
# (',' or ']') is cut, so the patient's text never comes back in a message.
_QUOTED = re.compile(r"'[^']{2,}'|\"[^\"]{2,}\"")


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    if isinstance(exc, yaml.reader.ReaderError):
        return "not valid YAML or JSON: it holds control characters, which text may not"
    problem = str(getattr(exc, "problem", None) or "syntax error")
    if isinstance(exc, ConstructorError) and "constructor for the tag" in problem:
        problem = "tags (!name, !!type) are not allowed"
    return f"not valid YAML or JSON{where}: {_QUOTED.sub('...', problem)}"
