"""A token cursor that reports positions the way AWS's streaming JSON parser does.

The positions in AWS's messages are those of a Jackson streaming parser at the moment of the
error, which depend on how far it has read, not on the token at fault:

- reading a field name also reads the start of its value: a whole number or literal, an opening
  bracket, or just the opening quote of a string;
- a string value is read lazily: only its opening quote until its text is asked for, then up to
  and including its closing quote;
- every other token is read whole.

The recorded AWS messages fix these rules: `{"key":[{"suffix":100}]}` fails at column 22 (after
`100`, read with the name), `{"key":[{"exists":"no"}]}` at column 20 (just inside the quote).
"""

from __future__ import annotations

from skybus.engines.topics.filters.canonical import Kind, Token, location
from skybus.engines.topics.filters.errors import FilterPolicyError


class Cursor:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self._text = text
        self._tokens = tokens
        self._index = 0
        self._offset = 0
        self._pending = False
        self._lazy = False
        self.current = tokens[0]

    def next(self) -> Token:
        """The next token (FIELD_NAME for a name), moving the read position as Jackson does."""
        token = self._tokens[self._index]
        self._index += 1
        self.current = token
        if self._pending:
            # The value was read together with its name; the position stays where it was.
            self._pending = False
            return token
        if token.kind is Kind.NAME:
            self._read_start(self._tokens[self._index])
            self._pending = True
        else:
            self._read_start(token)
        return token

    def _read_start(self, token: Token) -> None:
        self._lazy = token.kind is Kind.STRING
        self._offset = token.start + 1 if self._lazy else token.end

    def text(self) -> str:
        """The current token's text; for a string this reads it to its closing quote."""
        token = self.current
        if token.kind is Kind.STRING:
            if self._lazy:
                self._offset = token.end
                self._lazy = False
            return str(token.value)
        if token.kind is Kind.NAME:
            return str(token.value)
        return token.text

    def fail(self, reason: str) -> FilterPolicyError:
        """The error AWS reports for `reason` at the current position."""
        return FilterPolicyError(reason + location(self._text, self._offset))
