"""The sources and assumptions a scenario file cites in its comments, for the report's data section.

Every default a config ships cites its source in a comment, or says it is an assumption. Those
comments are lost when the YAML is read, so the report reads them back from the file (and the
files it ``extends``), each with the key it annotates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

__all__ = ["Citation", "config_citations"]

_KEY = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z0-9_\-]+)\s*:")
# A comment cites when it says so, or names a year: "(IPACS model inputs 2023)".
_CITES = re.compile(r"\b(sources?|assum\w*|derived|(?:19|20)\d\d)\b", re.IGNORECASE)
MAX_FILES = 20


@dataclass(frozen=True)
class Citation:
    """One comment naming a source or an assumption."""

    file: str
    line: int
    key: str  # dotted path of the key the comment sits on or above ("" at the top of a file)
    text: str

    @property
    def is_assumption(self) -> bool:
        """Whether the comment states an assumption rather than a source."""
        return re.search(r"\bassum", self.text, re.IGNORECASE) is not None


def _comment(line: str) -> tuple[str, str] | None:
    """The code and the comment of a YAML line, ignoring ``#`` inside quotes."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return line[:index], line[index + 1 :].strip()
    return None


def _citations_in(path: Path, shown_as: str) -> list[Citation]:
    stack: list[tuple[int, str]] = []
    found: list[Citation] = []
    waiting: list[tuple[int, str]] = []  # whole-line comments, given the key that follows them
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        split = _comment(line)
        code, comment = split if split else (line, "")
        match = _KEY.match(code)
        if match:
            indent = len(match.group(1))
            while stack and stack[-1][0] >= indent:
                stack.pop()
            stack.append((indent, match.group(2)))
            key = ".".join(k for _, k in stack)
            found += [Citation(shown_as, n, key, text) for n, text in waiting]
            waiting = []
        if comment and _CITES.search(comment):
            if code.strip():
                found.append(Citation(shown_as, number, ".".join(k for _, k in stack), comment))
            elif stack:
                waiting.append((number, comment))
            else:  # the file's opening comments, before any key
                found.append(Citation(shown_as, number, "", comment))
    found += [Citation(shown_as, n, "", text) for n, text in waiting]
    return sorted(found, key=lambda c: c.line)


def config_citations(config_file: str | Path) -> list[Citation] | None:
    """Citations in a config file and the files it extends (parents first); None if unreadable."""
    path: Path | None = Path(config_file)
    chain: list[Path] = []
    while path is not None and len(chain) < MAX_FILES:
        if not path.is_file() or path.resolve() in [p.resolve() for p in chain]:
            break
        chain.append(path)
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            break
        parent = document.get("extends") if isinstance(document, dict) else None
        path = path.parent / parent if isinstance(parent, str) and parent.strip() else None
    if not chain:
        return None
    citations: list[Citation] = []
    for file in reversed(chain):
        try:
            citations += _citations_in(file, file.name)
        except (OSError, UnicodeDecodeError):
            return None
    return citations
