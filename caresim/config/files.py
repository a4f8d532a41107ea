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
import logging
import os
import re
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from caresim.config.keys import allowed_keys, is_entry_table, is_list, schema_allows
from caresim.config.messages import SET, describe, unknown_key_message
from caresim.config.reading import Replace, ReplaceList, read_yaml, read_yaml_text
from caresim.errors import CaresimError
from caresim.models.schema import Config

__all__ = [
    "MAX_EXTENDS",
    "ConfigError",
    "LoadedConfig",
    "document_hash",
    "load_config",
    "check_is_config",
    "parse_override",
    "read_document",
    "unknown_key_message",
    "validate_document",
]

log = logging.getLogger(__name__)

#: The longest chain of files extending one another.
MAX_EXTENDS = 16


class ConfigError(CaresimError):
    """A config that cannot be used. ``str()`` is a single line fit to show the user."""


class LoadedConfig(typing.NamedTuple):
    """A validated config with the document it came from (after extends and overrides)."""

    config: Config
    document: dict[str, Any]
    path: Path


def read_document(path: Path) -> dict[str, Any]:
    """The top-level mapping of a YAML file, read within bounds, or :class:`ConfigError`."""
    try:
        document = read_yaml(path)
    except CaresimError as error:
        raise ConfigError(str(error)) from None
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


#: Lists that ``extends`` adds to rather than replaces: dated changes make one timeline.
ADDED_LISTS = (("changes",),)


def _merge(base: dict, override: Mapping, at: tuple = ()) -> dict:
    """Deep-merge ``override`` into a copy of ``base``: mappings merge, the lists of
    :data:`ADDED_LISTS` are added to, and anything else replaces (as does ``!replace``)."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        here = (*at, key)
        if isinstance(value, (Replace, ReplaceList)):
            merged[key] = _plain(value)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value, here)
        elif here in ADDED_LISTS and isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = [*merged[key], *_plain(value)]
        else:
            merged[key] = _plain(value)
    return merged


def _plain(value: Any) -> Any:
    """A copy of a value read from YAML, with ``!replace`` marks dropped."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return copy.deepcopy(value)


def _known_keys(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def check_is_config(
    document: dict, path: Path, model: type[BaseModel] = Config, what: str = "a caresim config"
) -> None:
    """Refuse a mapping none of whose top-level keys the schema knows: not a caresim file.

    Its keys are not quoted, since the file may be anything (``extends: /etc/passwd``).
    """
    if document and not set(document) & set(_known_keys(model)):
        examples = ", ".join(
            [k for k in _known_keys(model) if k not in ("extends", "description")][:4]
        )
        raise ConfigError(f"{path}: not {what}; expected keys such as {examples}")


def _resolve(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict, dict[tuple, str]]:
    """The document of ``path`` with its ``extends`` chain applied, and where each key came from."""
    path = Path(path)
    resolved = path.resolve()
    if resolved in seen:
        chain = " -> ".join(str(p) for p in (*seen, resolved))
        raise ConfigError(f"{path}: extends: files extend each other in a loop ({chain})")
    if len(seen) >= MAX_EXTENDS:
        raise ConfigError(
            f"{seen[0]}: extends: a chain of more than {MAX_EXTENDS} files; expected a shorter one"
        )
    document = read_document(path)
    check_is_config(document, path)
    parent = document.pop("extends", None)
    if parent is None:
        return _plain(document), {
            **_item_origins(document, 0, path),
            **_key_origins(document, path),
        }
    if not isinstance(parent, str) or not parent.strip():
        raise ConfigError(
            f"{path}: extends: expected the path of another config file, got {parent!r}"
        )
    base_path = Path(os.path.normpath(path.parent / parent))
    if not base_path.exists():
        raise ConfigError(f"{path}: extends: {parent}: no such file (looked for {base_path})")
    base, origins = _resolve(base_path, (*seen, resolved))
    merged = _merge(base, document)
    if isinstance(document.get("changes"), list):
        kept = len(merged["changes"]) - len(document["changes"])
        for key in [k for k in origins if (_change_index(k) or 0) >= kept]:
            del origins[key]  # a change the base had at a place this list now holds
        origins.update(_item_origins(document, kept, path))
    origins.update(_key_origins(document, path))
    return merged, origins


def _key_origins(document: dict, path: Path) -> dict[tuple, str]:
    return {p: str(path) for p in _paths(document)}


def _change_index(key: tuple) -> int | None:
    """``3`` of the origin key ``("changes[3]",)`` of one dated change; None of any other key."""
    match = re.fullmatch(r"changes\[(\d+)\]", str(key[0])) if len(key) == 1 else None
    return int(match.group(1)) if match else None


def _item_origins(document: dict, first: int, path: Path) -> dict[tuple, str]:
    """Where each dated change came from (``("changes[3]",)``), numbered from ``first``."""
    changes = document.get("changes")
    if not isinstance(changes, list):
        return {}
    return {(f"changes[{first + k}]",): str(path) for k in range(len(changes))}


def parse_override(text: str, file: Path | str = "") -> tuple[tuple[str, ...], Any]:
    """Split ``KEY.PATH=VALUE`` into its path and its value (read as a YAML scalar or list)."""
    key, sep, raw = text.partition("=")
    path = tuple(key.strip().split("."))
    if not sep or not key.strip() or any(not part for part in path):
        prefix = f"{file}: " if file else ""
        raise ConfigError(
            f"{prefix}{SET} {text}: expected KEY.PATH=VALUE, e.g. run.replications=20"
        )
    if not raw.strip():
        return path, ""
    try:
        value = read_yaml_text(raw, f"{SET} {key.strip()}")
    except CaresimError as error:
        if "malformed YAML" not in str(error):
            raise ConfigError(f"{file}: {error}") from None
        value = raw  # not YAML: read as the text it is
    return path, value


def _no_entry(where: str, parent: tuple, key: str, node: dict) -> ConfigError:
    """A path through an entry (pool, stream, service, ...) that the config does not have."""
    section = ".".join(parent)
    message = f"{where}: no entry '{key}' in '{section}'"
    close = difflib.get_close_matches(key, [str(k) for k in node], n=1)
    if close:
        message += f" (did you mean '{close[0]}'?)"
    elif node:
        message += f" (it has {', '.join(str(k) for k in node)})"
    else:
        message += " (it has none)"
    message += f"; to add one, set '{section}.{key}' to its full definition"
    return ConfigError(message)


def _apply_override(
    document: dict, path: tuple[str, ...], value: Any, origins: dict, file: Path
) -> None:
    """Set one value in the document; never invent a key the config or its schema lacks.

    A key missing from a table of named entries (``staff``, ``services``, ...) is a new entry,
    allowed only where the path ends at it (its full definition); a path through it is refused,
    with the nearest existing name.
    """
    where = f"{file}: {SET} {'.'.join(path)}"
    if path == ("extends",):
        raise ConfigError(f"{where}: extends cannot be set on the command line")
    node: Any = document
    for depth, key in enumerate(path):
        last = depth == len(path) - 1
        _refuse_an_item_of_a_list(where, path[:depth], key, node)
        if not isinstance(node, dict):
            raise ConfigError(f"{where}: '{'.'.join(path[:depth])}' is not a mapping of keys")
        if key not in node:
            if is_entry_table(Config, path[:depth]):
                if not last:
                    raise _no_entry(where, path[:depth], key, node)
            elif not schema_allows(Config, path[: depth + 1]):
                raise ConfigError(f"{where}: {_unknown_key_message(path[:depth], key, document)}")
            if not last:
                node[key] = {}
        if not last:
            node = node[key]
    node[path[-1]] = value
    for key in [k for k in origins if len(k) > len(path) and k[: len(path)] == path]:
        del origins[key]  # what the files said within it is replaced
    items = f"{path[-1]}["
    for key in [k for k in origins if k[: len(path) - 1] == path[:-1] and len(k) >= len(path)]:
        if str(key[len(path) - 1]).startswith(items):
            del origins[key]  # and the items of a list it replaces
    origins[path] = SET


def _refuse_an_item_of_a_list(where: str, parent: tuple, key: str, node: Any) -> None:
    """``changes.0.at`` or ``changes[0].at``: a list is set whole, not item by item."""
    indexed = re.fullmatch(r"(.+)\[\d+\]", key)
    listed = (*parent, indexed.group(1)) if indexed else parent
    if isinstance(node, list) or (listed and is_list(Config, listed)):
        name = ".".join(listed)
        raise ConfigError(
            f"{where}: '{name}' is a list and is set as a whole, e.g. --set '{name}=[...]', "
            "not item by item"
        )


def _unknown_key_message(parent: tuple, key: str, document: Any = None) -> str:
    allowed = [k for k in allowed_keys(Config, parent, document) if k != key]
    return unknown_key_message(key, ".".join(str(p) for p in parent), allowed)


def document_hash(document: Mapping[str, Any]) -> str:
    """A fingerprint of a resolved config document, to recognise the same scenario later."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def replaced_changes(before: Any, after: Any) -> str | None:
    """What setting ``changes`` to ``after`` drops of the dated changes ``before``, in words
    (``"the 2 dated changes at 120 days, 1 year"``), or None if it keeps them all."""
    if not isinstance(before, list) or not isinstance(after, list):
        return None
    dropped = [change for change in before if change not in after]
    if not dropped:
        return None
    times = ", ".join(
        str(change.get("at", "?")) if isinstance(change, dict) else "?" for change in dropped
    )
    count = "the dated change" if len(dropped) == 1 else f"the {len(dropped)} dated changes"
    return f"{count} at {times}"


def load_config(path: str | Path, overrides: Iterable[str] = (), warn: bool = True) -> LoadedConfig:
    """Read, merge, override and validate a scenario file; raise :class:`ConfigError` if it is wrong.

    An override of ``changes`` replaces the file's dated changes; unless ``warn`` is false, a
    warning says which of them it drops.
    """
    path = Path(path)
    document, origins = _resolve(path)
    for text in overrides:
        keys, value = parse_override(text, path)
        dropped = replaced_changes(document.get("changes"), value) if keys == ("changes",) else None
        _apply_override(document, keys, value, origins, path)
        if dropped and warn:
            log.warning(
                f"{path}: {SET} changes: replaces {dropped} of the config; "
                "list them too to keep them"
            )
    return LoadedConfig(validate_document(document, path, origins), document, path)


def validate_document(
    document: dict[str, Any], path: Path | str = "<config>", origins: dict | None = None
) -> Config:
    """Validate a document (already merged) into a :class:`Config`, or raise :class:`ConfigError`."""
    try:
        return Config.model_validate(document)
    except ValidationError as error:
        message = describe(error, document, str(path), Config, origins)
        raise ConfigError(_as_the_file_numbers_it(message, origins or {})) from None
    except RecursionError:
        raise ConfigError(f"{path}: the document is nested too deeply") from None


_CHANGE_AT = re.compile(r"^(?P<file>.+?): changes\[(?P<index>\d+)\][^:\s]*")


def _as_the_file_numbers_it(message: str, origins: dict) -> str:
    """A dated change named by its place in the merged list (``changes[1]``) is also named by
    its place in the file that gives it, where that file's changes follow those it extends."""
    match = _CHANGE_AT.match(message)
    if match is None:
        return message
    index = int(match.group("index"))
    of_file = [
        place
        for key, source in origins.items()
        if source == match.group("file") and (place := _change_index(key)) is not None
    ]
    if not of_file or min(of_file) == 0 or index not in of_file:
        return message
    own = f" (its own changes[{index - min(of_file)}], after the {min(of_file)} it extends)"
    return message[: match.end()] + own + message[match.end() :]
