"""What the filter pattern syntaxes share: their error and the reading of quoted strings."""

from __future__ import annotations


class PatternError(ValueError):
    """A filter pattern that cannot be compiled; the text says why."""


def read_quoted(text: str, at: int) -> tuple[str, int]:
    """The string of the double-quoted literal starting at ``text[at]`` and the index just past
    its closing quote. A backslash makes the next character literal (``\\"``, ``\\\\``)."""
    assert text[at] == '"'
    chars: list[str] = []
    index = at + 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            chars.append(text[index + 1])
            index += 2
            continue
        if char == '"':
            return "".join(chars), index + 1
        chars.append(char)
        index += 1
    raise PatternError(f"unterminated quoted string starting at position {at + 1}")
