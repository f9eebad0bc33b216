"""Routing REST requests to operations by the models' ``http.requestUri`` templates.

A template is path segments (literals, ``{Label}`` or greedy ``{Label+}``) plus optional
literal query parts (``?find=LayerVersion``, ``?versions``) that must be present in the request.
When several templates match, the most specific wins: comparing segment by segment a literal
beats a label and a label beats a greedy label; then more literal query parts win.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

LITERAL, LABEL, GREEDY = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Template:
    operation: str
    method: str
    segments: tuple[tuple[int, str], ...]
    query: tuple[tuple[str, str | None], ...]

    @property
    def rank(self) -> tuple[tuple[int, ...], int]:
        """Sort key, most specific first; the end of a template ranks below any segment, so
        ``/{Key+}/meta`` is tried before ``/{Key+}``."""
        return (*(kind for kind, _ in self.segments), GREEDY + 1), -len(self.query)

    @property
    def greedy(self) -> bool:
        return any(kind == GREEDY for kind, _ in self.segments)


@dataclass(frozen=True, slots=True)
class RouteMatch:
    operation: str
    labels: dict[str, str]
    literal_query: frozenset[str]


def _split_path(path: str) -> list[str]:
    trimmed = path.strip("/")
    return trimmed.split("/") if trimmed else []


def compile_template(operation: str, method: str, uri: str) -> Template:
    path, _, query = uri.partition("?")
    segments: list[tuple[int, str]] = []
    for part in _split_path(path):
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            if name.endswith("+"):
                segments.append((GREEDY, name[:-1]))
            else:
                segments.append((LABEL, name))
        else:
            segments.append((LITERAL, part))
    literals: list[tuple[str, str | None]] = []
    for piece in query.split("&") if query else []:
        key, eq, value = piece.partition("=")
        literals.append((key, value if eq else None))
    return Template(operation, method.upper(), tuple(segments), tuple(literals))


class Router:
    """Finds the operation for a method and a raw (percent-encoded) path."""

    def __init__(self, routes: Iterable[tuple[str, str, str]]) -> None:
        exact: dict[tuple[str, int], list[Template]] = {}
        greedy: dict[str, list[Template]] = {}
        for operation, method, uri in routes:
            template = compile_template(operation, method, uri)
            if template.greedy:
                greedy.setdefault(template.method, []).append(template)
            else:
                exact.setdefault((template.method, len(template.segments)), []).append(template)
        self._exact = {key: sorted(items, key=lambda t: t.rank) for key, items in exact.items()}
        self._greedy = {key: sorted(items, key=lambda t: t.rank) for key, items in greedy.items()}

    def match(self, method: str, raw_path: str, query: str) -> RouteMatch | None:
        parts = _split_path(raw_path)
        method = method.upper()
        params: Mapping[str, str] | None = None
        candidates = self._exact.get((method, len(parts)), []) + self._greedy.get(method, [])
        for template in candidates:
            labels = _match_segments(template, parts)
            if labels is None:
                continue
            if template.query:
                if params is None:
                    params = dict(parse_qsl(query, keep_blank_values=True))
                if not all(
                    key in params and (value is None or params[key] == value)
                    for key, value in template.query
                ):
                    continue
            return RouteMatch(
                template.operation, labels, frozenset(key for key, _ in template.query)
            )
        return None

    def has_path(self, raw_path: str) -> bool:
        """Whether any method routes this path (for telling 404 from a wrong method)."""
        parts = _split_path(raw_path)
        for (_, count), templates in self._exact.items():
            if count == len(parts) and any(
                _match_segments(t, parts) is not None for t in templates
            ):
                return True
        return any(
            _match_segments(t, parts) is not None for ts in self._greedy.values() for t in ts
        )


def _match_segments(template: Template, parts: list[str]) -> dict[str, str] | None:
    labels: dict[str, str] = {}
    segments = template.segments
    for index, (kind, text) in enumerate(segments):
        if kind == GREEDY:
            rest = parts[index : len(parts) - (len(segments) - index - 1)]
            if not rest:
                return None
            tail = segments[index + 1 :]
            tail_parts = parts[len(parts) - len(tail) :] if tail else []
            for (tail_kind, tail_text), part in zip(tail, tail_parts, strict=True):
                if tail_kind == LITERAL and unquote(part) != tail_text:
                    return None
                if tail_kind == LABEL:
                    labels[tail_text] = unquote(part)
            labels[text] = unquote("/".join(rest))
            return labels
        if index >= len(parts):
            return None
        part = parts[index]
        if kind == LITERAL:
            if part != text and unquote(part) != text:
                return None
        else:
            if not part:
                return None
            labels[text] = unquote(part)
    return labels if len(parts) == len(segments) else None
