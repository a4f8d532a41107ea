"""Turning a pydantic validation error into one line: the file, the key path, what was expected.

Used alike for scenario files and experiment files, e.g.::

    configs/mm3.yaml: services.clinic.duration.mean: expected a duration with a unit, such as '10 min' or '3 days', got 5
    experiments/x.yaml: measure: unknown key 'measure'; did you mean 'measures'?

A value set on the command line is blamed on ``FILE: --set KEY.PATH``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from caresim.config.keys import allowed_keys

__all__ = ["SET", "describe", "dotted", "unknown_key_message"]

SET = "--set"

#: What to suggest when a choice key (a union's discriminator) is missing.
_CHOICE_EXAMPLES = {
    "distribution": "e.g. distribution: exponential",
    "kind": "grid, one_at_a_time or latin_hypercube",
}

#: Errors that only say a value has the wrong shape; an error inside the union member that fits
#: the value says more than the other members' "expected a whole number".
_SHAPE_ERRORS = {
    "int_type",
    "int_parsing",
    "float_type",
    "float_parsing",
    "bool_type",
    "string_type",
    "list_type",
    "tuple_type",
    "dict_type",
    "model_type",
    "model_attributes_type",
}


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


def dotted(path: tuple) -> str:
    """A key path as the user writes it: ``services.clinic.next``, ``measures[2]``."""
    text = ""
    for segment in path:
        text += (
            f"[{segment}]"
            if isinstance(segment, int)
            else (f".{segment}" if text else str(segment))
        )
    return text or "(top level)"


# How pydantic names a validator wrapping a union member in an error's location.
_WRAPPER = re.compile(r"[a-z][a-z-]*\[.*\]")


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
    # pydantic names a validator wrapping a union member, e.g. "function-after[...]"; not a key
    return tuple(p for p in path if not _WRAPPER.fullmatch(str(p)))


def _origin(path: tuple, origins: dict, default: str) -> str:
    """Where the value at ``path`` came from: the nearest key at or above it with an origin.

    A problem with a whole entry (``beds.acute``) that ``--set`` changed within
    (``beds.acute.capacity``) is blamed on ``--set``.
    """
    whole = tuple(str(p) for p in path if not isinstance(p, int))
    if any(
        len(key) > len(whole) and key[: len(whole)] == whole and source == SET
        for key, source in origins.items()
    ):
        return SET
    for end in range(len(path), 0, -1):
        indexed = _indexed(path[:end])
        listed = tuple(re.sub(r"\[\d+\]$", "", part) for part in indexed)  # the whole list
        for key in (indexed, listed):
            if key in origins:
                return origins[key]
    return default


def _indexed(path: tuple) -> tuple:
    """A path with list positions written into the key before them: ``("changes[1]", "at")``."""
    keys: list[str] = []
    for part in path:
        if isinstance(part, int) and keys:
            keys[-1] = f"{keys[-1]}[{part}]"
        else:
            keys.append(str(part))
    return tuple(keys)


def _prefix(path: tuple, origins: dict, file: str) -> str:
    """``FILE: `` or, for a value set on the command line, ``FILE: --set ``."""
    source = _origin(path, origins, file)
    return f"{file}: {SET} " if source == SET else f"{source}: "


def _reference(ctx: dict, origins: dict, file: str) -> str:
    """A problem across sections, blamed on ``--set``, else the file given, if either made it."""
    paths = [ctx["path"], *filter(None, str(ctx.get("related", "")).split(","))]
    prefixes = [_prefix(tuple(p.split(".")), origins, file) for p in paths]
    for preferred in (f"{file}: {SET} ", f"{file}: "):
        if preferred in prefixes:
            blamed = paths[prefixes.index(preferred)]
            if blamed != ctx["path"]:  # the other key made it: name both
                return f"{preferred}{blamed}: {ctx['path']}: {ctx['message']}"
            return f"{preferred}{ctx['path']}: {ctx['message']}"
    return f"{prefixes[0]}{ctx['path']}: {ctx['message']}"


def _pattern_expected(pattern: str) -> str:
    if pattern.count("\\.") == 2:
        return "setting.group.measure, e.g. general_practice.all.wait_mean"
    if "\\." in pattern:
        return "a dotted config path, e.g. staff.gp.headcount"
    return "a name of lower-case letters, digits and underscores, starting with a letter"


def _expected(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    simple = {
        "int_parsing": "a whole number",
        "int_type": "a whole number",
        "int_from_float": "a whole number",
        "float_parsing": "a number",
        "float_type": "a number",
        "finite_number": "a finite number",
        "bool_parsing": "true or false",
        "bool_type": "true or false",
        "string_type": "text",
        "dict_type": "a mapping of keys",
        "model_type": "a mapping of keys",
        "model_attributes_type": "a mapping of keys",
        "list_type": "a list",
        "tuple_type": "a list",
    }
    if kind in simple:
        return simple[kind]
    bounds = {
        "greater_than_equal": ("a number of at least", "ge"),
        "greater_than": ("a number greater than", "gt"),
        "less_than_equal": ("a number of at most", "le"),
        "less_than": ("a number less than", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f"{words} {ctx.get(key)}"
    if kind == "literal_error":
        return str(ctx.get("expected", "one of the allowed values"))
    if kind == "string_pattern_mismatch":
        return _pattern_expected(str(ctx.get("pattern", "")))
    if kind in ("too_short", "too_long"):
        low, high = ctx.get("min_length"), ctx.get("max_length")
        actual = ctx.get("actual_length")
        got = f", got {actual}" if actual is not None else ""
        if low == high and low is not None:
            return f"a list of {low} values{got}"
        if kind == "too_short" and low is not None:
            return f"at least {low} values{got}"
        if kind == "too_long" and high is not None:
            return f"at most {high} values{got}"
        return "a list of a different length"
    message = str(error.get("msg", "a valid value"))
    return message[len("Input should be ") :] if message.startswith("Input should be ") else message


def _got(value: Any) -> str:
    if isinstance(value, dict | list):
        return ""
    if value is None:
        return ", got an empty value"
    text = repr(value)
    return f", got {text if len(text) <= 60 else text[:57] + '...'}"


def _special(
    first: Mapping[str, Any], path: tuple, root: type[BaseModel], document: dict, prefix: str
) -> str | None:
    """The message for an error that says more than 'expected X', or None."""
    kind = first["type"]
    ctx = first.get("ctx") or {}
    where = dotted(path)
    if kind == "missing":
        return (
            f"{prefix}{where}: missing required key '{path[-1]}'"
            if path
            else f"{prefix}missing key"
        )
    if kind == "extra_forbidden":
        parent, key = tuple(path[:-1]), str(path[-1])
        allowed = [k for k in allowed_keys(root, parent, document) if k != key]
        return f"{prefix}{where}: {unknown_key_message(key, dotted(parent) if parent else '', allowed)}"
    if kind == "union_tag_invalid":
        choice = str(ctx.get("discriminator", "kind")).strip("'")
        return (
            f"{prefix}{where}: unknown {choice} {ctx.get('tag')!r}; "
            f"expected one of {ctx.get('expected_tags')}"
        )
    if kind == "union_tag_not_found":
        choice = str(ctx.get("discriminator", "kind")).strip("'")
        example = _CHOICE_EXAMPLES.get(choice, f"e.g. {choice}: ...")
        return f"{prefix}{where}: missing key '{choice}' ({example})"
    if kind == "value_error":
        return f"{prefix}{where}: {ctx.get('error', first['msg'])}"
    return None


def describe(
    error: ValidationError,
    document: dict,
    file: str,
    root: type[BaseModel],
    origins: dict | None = None,
) -> str:
    """One line for the first problem of a validation error of ``document`` (read from ``file``).

    ``root`` is the model the document was validated as; ``origins`` maps key paths to the file
    that set them (or ``--set``), so that a problem is blamed where it was written.
    """
    origins = origins or {}
    errors = error.errors(include_url=False)
    # A mistyped key shows as an unknown key and a missing one: the unknown key is the cause.
    ranked = sorted(
        errors, key=lambda e: (e["type"] != "extra_forbidden", e["type"] in _SHAPE_ERRORS)
    )
    first = ranked[0]
    ctx = first.get("ctx") or {}
    if first["type"] == "config_reference":
        return _reference(ctx, origins, file)
    if first["type"] == "plain_number":  # raised by a model about one of its own keys
        path = _document_path(document, first["loc"]) + tuple(ctx["key"].split("."))
        return f"{_prefix(path, origins, file)}{dotted(path)}: {ctx['message']}"
    path = _document_path(document, first["loc"])
    prefix = _prefix(path, origins, file)
    special = _special(first, path, root, document, prefix)
    if special is not None:
        return special
    # Errors at the same place from the members of a union read as one: "expected A or B".
    same = [
        e for e in errors if _document_path(document, e["loc"]) == path and e["type"] != "missing"
    ]
    expected = " or ".join(dict.fromkeys(_expected(e) for e in same)) or _expected(first)
    got = _got(first.get("input"))
    return f"{prefix}{dotted(path)}: expected {expected}{got}{_empty_hint(path, expected, first)}"


def _empty_hint(path: tuple, expected: str, error: Mapping[str, Any]) -> str:
    """How to write an empty list, for a key left empty (``null``) where a list goes."""
    # (an item of a list, whose path ends in its index, has no key to write)
    if error.get("input") is not None or "a list" not in expected or not path:
        return ""
    if not isinstance(path[-1], str):
        return ""
    if path == ("changes",):  # under extends, dated changes add to the base file's
        return (
            "; for no dated changes leave the key out "
            "(under extends, changes: !replace [] clears the base file's)"
        )
    return f"; for an empty list write {path[-1]}: []"
