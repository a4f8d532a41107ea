"""The keys a schema allows at a path of a document: for did-you-mean hints and ``--set`` checks.

Works on any tree of pydantic models (a scenario's :class:`Config`, an experiment file), through
``Annotated``, unions, ``Optional`` and ``dict[str, X]``, and honours field aliases.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

__all__ = ["allowed_keys", "is_entry_table", "is_list", "schema_allows", "types_at", "unwrap"]


def unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation allows (through Annotated, unions and Optional)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in unwrap(arg)]
    return [annotation]


def _key(name: str, field: Any) -> str:
    return field.alias or name


def _child_types(annotation: Any, key: str) -> list[Any]:
    """The types of ``key`` inside a value of ``annotation`` (empty if no such key is allowed)."""
    found: list[Any] = []
    for tp in unwrap(annotation):
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            found.extend(
                field.annotation
                for name, field in tp.model_fields.items()
                if _key(name, field) == key
            )
        elif typing.get_origin(tp) is dict:
            found.append(typing.get_args(tp)[1])
    return found


def types_at(root: type[BaseModel], path: tuple) -> list[Any]:
    """The annotations a value at ``path`` may have (empty if the schema has no such path)."""
    here: list[Any] = [root]
    for key in path:
        following: list[Any] = []
        for tp in here:
            following.extend(_child_types(tp, str(key)))
        if not following:
            return []
        here = following
    return here


def schema_allows(root: type[BaseModel], path: tuple) -> bool:
    """Whether the schema has a place for a value at ``path``."""
    return bool(types_at(root, path))


def is_entry_table(root: type[BaseModel], path: tuple) -> bool:
    """Whether the value at ``path`` is a table of entries the user names (``staff``, ``beds``).

    In such a table a new key is a new entry, not a mistyped field.
    """
    kinds = [concrete for tp in types_at(root, path) for concrete in unwrap(tp)]
    return bool(kinds) and all(typing.get_origin(tp) is dict for tp in kinds)


def is_list(root: type[BaseModel], path: tuple) -> bool:
    """Whether the value at ``path`` is a list (``changes``), whose items have no keys."""
    kinds = [concrete for tp in types_at(root, path) for concrete in unwrap(tp)]
    return bool(kinds) and all(typing.get_origin(tp) in (list, tuple) for tp in kinds)


def _matches(model: type[BaseModel], node: Any) -> bool:
    """Whether a document node could be this model: its fixed (Literal) keys agree."""
    if not isinstance(node, dict):
        return True
    return all(
        node[key] in typing.get_args(field.annotation)
        for key, field in model.model_fields.items()
        if typing.get_origin(field.annotation) is typing.Literal and key in node
    )


def allowed_keys(root: type[BaseModel], path: tuple, document: Any = None) -> list[str]:
    """The keys the schema allows inside the value at ``path``.

    Where the schema offers a choice of shapes (a distribution), the document's own choice
    (``distribution: exponential``) picks the shape whose keys are listed.
    """
    node = document
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    keys: list[str] = []
    for tp in types_at(root, path):
        for concrete in unwrap(tp):
            if (
                isinstance(concrete, type)
                and issubclass(concrete, BaseModel)
                and _matches(concrete, node)
            ):
                for name, field in concrete.model_fields.items():
                    if _key(name, field) not in keys:
                        keys.append(_key(name, field))
    return keys
