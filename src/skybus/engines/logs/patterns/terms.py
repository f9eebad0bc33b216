"""The plain term syntax of filter patterns, for unstructured log events.

``ERROR Exception`` matches events that contain both terms, ``"Failed to process"`` an exact
phrase, ``?ERROR ?WARN`` events that contain either, and ``ERROR -Throttled`` events with ERROR
but without Throttled. Matching is case sensitive and a term matches anywhere in the message. When
a pattern mixes the kinds, an event must contain every plain term, none of the excluded ones, and
at least one of the ``?`` terms if there are any.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from skybus.engines.logs.patterns.lexer import PatternError, read_quoted


@dataclass(frozen=True, slots=True)
class TermPattern:
    required: tuple[str, ...]
    alternatives: tuple[str, ...]
    excluded: tuple[str, ...]

    def __call__(self, message: str) -> bool:
        for term in self.required:
            if term not in message:
                return False
        for term in self.excluded:
            if term in message:
                return False
        if self.alternatives:
            return any(term in message for term in self.alternatives)
        return True


def parse_terms(text: str) -> TermPattern:
    required: list[str] = []
    alternatives: list[str] = []
    excluded: list[str] = []
    index = 0
    while index < len(text):
        if text[index].isspace():
            index += 1
            continue
        kind = ""
        if text[index] in "?-" and index + 1 < len(text) and not text[index + 1].isspace():
            kind = text[index]
            index += 1
        if text[index] == '"':
            term, index = read_quoted(text, index)
        else:
            end = index
            while end < len(text) and not text[end].isspace():
                end += 1
            term, index = text[index:end], end
            if '"' in term:
                raise PatternError(f"a quote inside the unquoted term {term!r}")
        if not term:
            continue
        {"": required, "?": alternatives, "-": excluded}[kind].append(term)
    return TermPattern(tuple(required), tuple(alternatives), tuple(excluded))


def compile_terms(text: str) -> Callable[[str], bool]:
    return parse_terms(text)
