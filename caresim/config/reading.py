"""Reading a YAML file safely and within bounds: one line for anything that is not a fit file.

Only regular files are read, and only up to :data:`MAX_FILE_BYTES`. The YAML is read with a safe
loader that refuses a key given twice, non-text keys, nesting deeper than :data:`MAX_DEPTH`, a
document that would expand (through aliases) to more than :data:`MAX_NODES` values, and any tag
but the standard ones of plain data and the project's own ``!replace``. An error names the file
and the line, and never quotes the file's content.
"""

from __future__ import annotations

import copy
import os
import re
import stat
from collections import OrderedDict
from pathlib import Path
from typing import Any

import yaml

from caresim.errors import CaresimError

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "Replace",
    "ReplaceList",
    "read_yaml",
    "read_yaml_text",
]

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000
#: Tags the safe loader knows that are not plain data: refused rather than read.
REFUSED_TAGS = (
    "tag:yaml.org,2002:binary",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:set",
    "tag:yaml.org,2002:omap",
    "tag:yaml.org,2002:pairs",
)


class Replace(dict):
    """A mapping marked ``!replace``: under ``extends`` it replaces, rather than merges into, the
    mapping of the file it extends."""


class ReplaceList(list):
    """A list marked ``!replace``: under ``extends`` it replaces the list of the file it extends,
    where it would otherwise be added to it (``changes``)."""


class _Bounded(yaml.constructor.ConstructorError):
    """A document past one of the reading bounds."""


class _Loader(yaml.SafeLoader):
    """The safe YAML loader, within bounds, refusing a key given twice in one mapping."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Bounded(
                    None,
                    None,
                    f"nested more than {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _NotDecimal(yaml.constructor.ConstructorError):
    """A plain number YAML 1.1 would read in another base, or in base 60."""


_DECIMAL = re.compile(r"[-+]?[0-9]+")


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    """A whole number, in decimal only: leading zeros are decimal, not octal; hexadecimal,
    binary and base-60 (``1:05`` is 65 to YAML 1.1) are refused, never silently converted."""
    text = str(loader.construct_scalar(node)).replace("_", "")
    if _DECIMAL.fullmatch(text):
        return int(text, 10)
    raise _NotDecimal(
        None,
        None,
        f"{node.value!r} is not a decimal number (YAML would read it in another base, or as "
        "minutes and seconds); write a whole number in decimal, or put text such as a time of "
        "day in quotes",
        node.start_mark,
    )


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> float:
    if ":" in str(node.value):  # base 60 to YAML 1.1
        raise _NotDecimal(
            None,
            None,
            f"{node.value!r} is not a decimal number (YAML would read it as minutes and "
            "seconds); write it in decimal, or put text such as a time of day in quotes",
            node.start_mark,
        )
    return float(loader.construct_yaml_float(node))


# Dates and times are read as text: a config has no use for YAML timestamps.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != REFUSED_TAGS[1]]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# YAML 1.1 reads 1e4 and 1.24e4 (no point, or no sign after the e) as text; they are numbers.
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping: dict[Any, Any] = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, "a key that is not text; quote it", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"key '{key}' is given twice", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


def _construct_replace(loader: _Loader, node: yaml.Node) -> Replace | ReplaceList:
    if isinstance(node, yaml.SequenceNode):
        return ReplaceList(loader.construct_sequence(node, deep=True))
    if not isinstance(node, yaml.MappingNode):
        raise yaml.constructor.ConstructorError(
            None, None, "!replace goes before a mapping of keys or a list", node.start_mark
        )
    return Replace(_construct_mapping(loader, node, deep=True))


def _refuse_tag(loader: _Loader, node: yaml.Node) -> Any:
    raise yaml.constructor.ConstructorError(
        None,
        None,
        f"the tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed; "
        "expected plain values, lists and mappings (and !replace)",
        node.start_mark,
    )


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Loader.add_constructor("!replace", _construct_replace)
for _tag in REFUSED_TAGS:
    _Loader.add_constructor(_tag, _refuse_tag)


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document holds once every alias is expanded (counted, not built)."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = MAX_NODES + 1  # a node met again inside itself: a recursive alias
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(item) for item in node.value)
        else:
            total = 1
        sizes[id(node)] = min(total, MAX_NODES + 1)
        return sizes[id(node)]

    return size(root)


#: Documents already read, by their text: a session (the app, an experiment of many scenarios
#: extending one file, a test suite) reads the same files again and again, and parsing is nine
#: tenths of loading a config. Each caller gets its own copy.
_READ: OrderedDict[str, Any] = OrderedDict()
_READ_KEPT = 32


def read_yaml_text(text: str, where: str) -> Any:
    """The data of a YAML document, or :class:`CaresimError` naming ``where`` and the line."""
    if text in _READ:
        _READ.move_to_end(text)
        return copy.deepcopy(_READ[text])
    document = _parse(text, where)
    _READ[text] = document
    if len(_READ) > _READ_KEPT:
        _READ.popitem(last=False)
    return copy.deepcopy(document)


def _parse(text: str, where: str) -> Any:
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node) > MAX_NODES:
            raise CaresimError(
                f"{where}: the document expands to more than {MAX_NODES:,} values "
                "(through YAML aliases?); expected a config of ordinary size"
            )
        return loader.construct_document(node)
    except _NotDecimal as error:
        mark = error.problem_mark
        at = f":{mark.line + 1}:{mark.column + 1}" if mark and "\n" in text.strip() else ""
        raise CaresimError(f"{where}{at}: {error.problem}") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = error.problem or error.context or "malformed YAML"
        raise CaresimError(f"{where}{at}: malformed YAML: {problem}") from None
    except yaml.YAMLError as error:
        problem = getattr(error, "reason", None) or "malformed YAML"
        raise CaresimError(f"{where}: malformed YAML: {problem}") from None
    except RecursionError:
        raise CaresimError(
            f"{where}: nested too deeply; expected a config of ordinary shape"
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


def read_text(path: Path, what: str = "a YAML file") -> str:
    """The text of a regular file of at most :data:`MAX_FILE_BYTES`, as UTF-8."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise CaresimError(f"{path}: no such file") from None
    except OSError as error:
        raise CaresimError(f"{path}: cannot be read ({error.strerror})") from None
    if stat.S_ISDIR(status.st_mode):
        raise CaresimError(f"{path}: is a folder, expected {what}")
    if not stat.S_ISREG(status.st_mode):
        raise CaresimError(f"{path}: not a regular file, expected {what}")
    if status.st_size > MAX_FILE_BYTES:
        raise CaresimError(
            f"{path}: {status.st_size:,} bytes; expected {what} of at most {MAX_FILE_BYTES:,} bytes"
        )
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise CaresimError(f"{path}: cannot be read ({error.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        raise CaresimError(f"{path}: expected {what} of at most {MAX_FILE_BYTES:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CaresimError(f"{path}: not a text file; expected YAML in UTF-8") from None


def read_yaml(path: Path) -> Any:
    """The data of a YAML file, read within bounds (see the module's description)."""
    return read_yaml_text(read_text(path), str(path))
