"""Reading scenario files: safe YAML, ``extends:``, ``--set`` overrides, and one-line errors.

A problem with a config is reported as a :class:`ConfigError` whose message is one line naming the
file (or ``--set``), the key path and what was expected, e.g.::

    configs/mm3.yaml: services.clinic.duration.mean: expected a duration with a unit, such as '10 min' or '3 days', got 5
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import os
import types
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from caresim.models.schema import Config

__all__ = [
    "ConfigError",
    "LoadedConfig",
    "document_hash",
    "load_config",
    "parse_override",
    "unknown_key_message",
]

SET = "--set"


class ConfigError(Exception):
    """A config that cannot be used. ``str()`` is a single line fit to show the user."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


class _UniqueKeyLoader(yaml.SafeLoader):
    """The safe YAML loader, refusing a key given twice in one mapping."""


class Replace(dict):
    """A mapping marked ``!replace``: under ``extends`` it replaces, rather than merges into, the
    mapping of the file it extends."""


def _construct_replace(loader: _UniqueKeyLoader, node: yaml.Node) -> Replace:
    if not isinstance(node, yaml.MappingNode):
        raise yaml.constructor.ConstructorError(
            None, None, "!replace goes before a mapping of keys", node.start_mark
        )
    return Replace(_construct_mapping(loader, node, deep=True))


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    mapping: dict[Any, Any] = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is not text; quote it", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"key '{key}' is given twice", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_UniqueKeyLoader.add_constructor("!replace", _construct_replace)


class LoadedConfig(typing.NamedTuple):
    """A validated config with the document it came from (after extends and overrides)."""

    config: Config
    document: dict[str, Any]
    path: Path


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, expected a YAML file") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a text file; expected YAML in UTF-8") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        document = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = error.problem or error.context or "malformed YAML"
        raise ConfigError(f"{path}{where}: malformed YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: malformed YAML: {error}") from None
    if document is None:
        raise ConfigError(f"{path}: the file is empty; expected a scenario (name, run, ...)")
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: expected a mapping of keys at the top level")
    return document


def _paths(node: Any, prefix: tuple = ()) -> Iterable[tuple]:
    """Every key path in a document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))


def _merge(base: dict, override: Mapping) -> dict:
    """Deep-merge ``override`` into a copy of ``base``: mappings merge, anything else replaces."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, Replace):
            merged[key] = dict(copy.deepcopy(value))
        elif isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _resolve(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict, dict[tuple, str]]:
    """The document of ``path`` with its ``extends`` chain applied, and where each key came from."""
    path = Path(path)
    resolved = path.resolve()
    if resolved in seen:
        chain = " -> ".join(str(p) for p in (*seen, resolved))
        raise ConfigError(f"{path}: extends: files extend each other in a loop ({chain})")
    document = _read_yaml(path)
    parent = document.pop("extends", None)
    if parent is None:
        return document, {p: str(path) for p in _paths(document)}
    if not isinstance(parent, str) or not parent.strip():
        raise ConfigError(
            f"{path}: extends: expected the path of another config file, got {parent!r}"
        )
    base, origins = _resolve(Path(os.path.normpath(path.parent / parent)), (*seen, resolved))
    origins.update({p: str(path) for p in _paths(document)})
    return _merge(base, document), origins


def parse_override(text: str, file: Path | str = "") -> tuple[tuple[str, ...], Any]:
    """Split ``KEY.PATH=VALUE`` into its path and its value (read as a YAML scalar or list)."""
    key, sep, raw = text.partition("=")
    path = tuple(key.strip().split("."))
    if not sep or not key.strip() or any(not part for part in path):
        prefix = f"{file}: " if file else ""
        raise ConfigError(
            f"{prefix}{SET} {text}: expected KEY.PATH=VALUE, e.g. run.replications=20"
        )
    try:
        value = yaml.load(raw, Loader=_UniqueKeyLoader) if raw.strip() else ""  # noqa: S506
    except yaml.YAMLError:
        value = raw
    return path, value


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation allows (through Annotated, unions and Optional)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _child_types(annotation: Any, key: str) -> list[Any] | None:
    """The types of ``key`` inside a value of ``annotation`` (None if no such key is allowed)."""
    found: list[Any] = []
    for tp in _unwrap(annotation):
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if key in tp.model_fields:
                found.append(tp.model_fields[key].annotation)
        elif typing.get_origin(tp) is dict:
            found.append(typing.get_args(tp)[1])
    return found or None


def _matches(model: type[BaseModel], node: Any) -> bool:
    """Whether a document node could be this model: its fixed (Literal) keys agree."""
    if not isinstance(node, dict):
        return True
    return all(
        node[key] in typing.get_args(field.annotation)
        for key, field in model.model_fields.items()
        if typing.get_origin(field.annotation) is typing.Literal and key in node
    )


def _allowed_keys(path: tuple, document: Any = None) -> list[str]:
    """The keys the schema allows inside the value at ``path`` (for suggestions).

    Where the schema offers a choice of shapes (a distribution), the document's own choice
    (``distribution: exponential``) picks the shape whose keys are listed.
    """
    types_here: list[Any] = [Config]
    for key in path:
        nxt: list[Any] = []
        for tp in types_here:
            nxt.extend(_child_types(tp, str(key)) or [])
        types_here = nxt
    node = document
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    keys: list[str] = []
    for tp in types_here:
        for concrete in _unwrap(tp):
            if (
                isinstance(concrete, type)
                and issubclass(concrete, BaseModel)
                and _matches(concrete, node)
            ):
                keys.extend(k for k in concrete.model_fields if k not in keys)
    return keys


def _schema_allows(path: tuple) -> bool:
    types_here: list[Any] = [Config]
    for key in path:
        nxt: list[Any] = []
        for tp in types_here:
            nxt.extend(_child_types(tp, key) or [])
        if not nxt:
            return False
        types_here = nxt
    return True


def _apply_override(
    document: dict, path: tuple[str, ...], value: Any, origins: dict, file: Path
) -> None:
    where = f"{file}: {SET} {'.'.join(path)}"
    if path == ("extends",):
        raise ConfigError(f"{where}: extends cannot be set on the command line")
    node: Any = document
    for depth, key in enumerate(path[:-1]):
        if not isinstance(node, dict):
            raise ConfigError(f"{where}: '{'.'.join(path[:depth])}' is not a mapping of keys")
        if key not in node:
            if not _schema_allows(path[: depth + 1]):
                raise ConfigError(f"{where}: {_unknown_key_message(path[:depth], key, document)}")
            node[key] = {}
        node = node[key]
    if not isinstance(node, dict):
        raise ConfigError(f"{where}: '{'.'.join(path[:-1])}' is not a mapping of keys")
    if path[-1] not in node and not _schema_allows(path):
        raise ConfigError(f"{where}: {_unknown_key_message(path[:-1], path[-1], document)}")
    node[path[-1]] = value
    origins[path] = SET


def unknown_key_message(key: str, parent: str, allowed: list[str]) -> str:
    """'unknown key ...' with the closest allowed key, or the list of them, to help the user."""
    where = f" in '{parent}'" if parent else ""
    message = f"unknown key '{key}'{where}"
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        message += f"; did you mean '{close[0]}'?"
    elif allowed:
        message += f"; expected one of: {', '.join(allowed)}"
    return message


def _unknown_key_message(parent: tuple, key: str, document: Any = None) -> str:
    allowed = [k for k in _allowed_keys(parent, document) if k != key]
    return unknown_key_message(key, ".".join(str(p) for p in parent), allowed)


def document_hash(document: Mapping[str, Any]) -> str:
    """A fingerprint of a resolved config document, to recognise the same scenario later."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_config(path: str | Path, overrides: Iterable[str] = ()) -> LoadedConfig:
    """Read, merge, override and validate a scenario file; raise :class:`ConfigError` if it is wrong."""
    path = Path(path)
    document, origins = _resolve(path)
    for text in overrides:
        keys, value = parse_override(text, path)
        _apply_override(document, keys, value, origins, path)
    return LoadedConfig(validate_document(document, path, origins), document, path)


def validate_document(
    document: dict[str, Any], path: Path | str = "<config>", origins: dict | None = None
) -> Config:
    """Validate a document (already merged) into a :class:`Config`, or raise :class:`ConfigError`."""
    try:
        return Config.model_validate(document)
    except ValidationError as error:
        raise ConfigError(_describe(error, document, str(path), origins or {})) from None
    except RecursionError:
        raise ConfigError(f"{path}: the document is nested too deeply") from None


# -- turning a pydantic error into one line -----------------------------------------------------
def _document_path(document: Any, loc: tuple) -> tuple:
    """The error location as keys of the document, without pydantic's union-member segments."""
    path: list[Any] = []
    node = document
    for index, segment in enumerate(loc):
        if (
            isinstance(node, dict)
            and segment in node
            or isinstance(node, list)
            and isinstance(segment, int)
            and 0 <= segment < len(node)
        ):
            node = node[segment]
            path.append(segment)
        elif isinstance(node, dict) and index == len(loc) - 1 and isinstance(segment, str):
            path.append(segment)  # a missing key
        # otherwise: a union member or tag name pydantic inserts; skip it
    return tuple(path)


def _dotted(path: tuple) -> str:
    text = ""
    for segment in path:
        text += (
            f"[{segment}]"
            if isinstance(segment, int)
            else (f".{segment}" if text else str(segment))
        )
    return text or "(top level)"


def _origin(path: tuple, origins: dict, default: str) -> str:
    for end in range(len(path), 0, -1):
        key = tuple(str(p) for p in path[:end] if not isinstance(p, int))
        if key in origins:
            return origins[key]
    return default


def _prefix(path: tuple, origins: dict, file: str) -> str:
    """``FILE: `` or, for a value set on the command line, ``FILE: --set ``."""
    source = _origin(path, origins, file)
    return f"{file}: {SET} " if source == SET else f"{source}: "


def _expected(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "a whole number"
    if kind in ("float_parsing", "float_type", "finite_number"):
        return "a number"
    if kind in ("bool_parsing", "bool_type"):
        return "true or false"
    if kind == "string_type":
        return "text"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "a mapping of keys"
    if kind in ("list_type", "tuple_type"):
        return "a list"
    if kind == "greater_than_equal":
        return f"a number of at least {ctx.get('ge')}"
    if kind == "greater_than":
        return f"a number greater than {ctx.get('gt')}"
    if kind == "less_than_equal":
        return f"a number of at most {ctx.get('le')}"
    if kind == "less_than":
        return f"a number less than {ctx.get('lt')}"
    if kind == "literal_error":
        return str(ctx.get("expected", "one of the allowed values"))
    if kind == "string_pattern_mismatch":
        return "a name of lower-case letters, digits and underscores, starting with a letter"
    if kind in ("too_short", "too_long"):
        low, high = ctx.get("min_length"), ctx.get("max_length")
        if low == high and low is not None:
            return f"a list of {low} values"
        return "a list of a different length"
    message = str(error.get("msg", "a valid value"))
    return message[len("Input should be ") :] if message.startswith("Input should be ") else message


def _got(value: Any) -> str:
    if isinstance(value, dict | list):
        return ""
    text = repr(value)
    return f", got {text if len(text) <= 60 else text[:57] + '...'}"


def _describe(error: ValidationError, document: dict, file: str, origins: dict) -> str:
    errors = error.errors(include_url=False)
    # A mistyped key shows as an unknown key and a missing one: the unknown key is the cause.
    errors.sort(key=lambda e: e["type"] != "extra_forbidden")
    first = errors[0]
    kind = first["type"]
    ctx = first.get("ctx") or {}
    if kind == "config_reference":
        path = tuple(ctx["path"].split("."))
        return f"{_prefix(path, origins, file)}{ctx['path']}: {ctx['message']}"
    path = _document_path(document, first["loc"])
    prefix = _prefix(path, origins, file)
    where = _dotted(path)
    if kind == "missing":
        return (
            f"{prefix}{where}: missing required key '{path[-1]}'"
            if path
            else f"{prefix}missing key"
        )
    if kind == "extra_forbidden":
        return f"{prefix}{where}: {_unknown_key_message(tuple(path[:-1]), str(path[-1]), document)}"
    if kind == "union_tag_invalid":
        return (
            f"{prefix}{where}: unknown {ctx.get('discriminator', 'kind').strip(chr(39))} "
            f"{ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
        )
    if kind == "union_tag_not_found":
        key = str(ctx.get("discriminator", "kind")).strip("'")
        return f"{prefix}{where}: missing key '{key}' (e.g. {key}: exponential)"
    if kind == "value_error":
        message = str(ctx.get("error", first["msg"]))
        return f"{prefix}{where}: {message}"
    # Errors at the same place from the members of a union read as one: "expected A or B".
    same = [
        e for e in errors if _document_path(document, e["loc"]) == path and e["type"] != "missing"
    ]
    expected = " or ".join(dict.fromkeys(_expected(e) for e in same)) or _expected(first)
    return f"{prefix}{where}: expected {expected}{_got(first.get('input'))}"
