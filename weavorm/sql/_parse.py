"""Parse one SQL statement with sqlglot and locate any node of it in the text.

sqlglot records positions (``meta["start"]``) on identifiers, literals and unknown
functions only. :meth:`Statement.position` finds the character offset of every other
node from the tokens of the same tokenizer run: a node that starts with a keyword
(``JOIN``, ``COUNT(``, ``HAVING``, ...) is placed at the last such keyword before its
first located child; a node without located children is paired with the keyword
tokens by order of appearance.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlglot import errors as sqlglot_errors
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokenizer_core import Token, TokenType

from weavorm.errors import SQLError

__all__ = ["Statement", "parse"]

_DIALECT = Dialect.get_or_raise(None)

#: Tokens whose text is data (string literals, quoted identifiers), never a keyword.
_DATA_TOKENS = frozenset(
    {
        TokenType.STRING,
        TokenType.BIT_STRING,
        TokenType.HEX_STRING,
        TokenType.BYTE_STRING,
        TokenType.NATIONAL_STRING,
        TokenType.NATIONAL_RAW_STRING,
        TokenType.RAW_STRING,
        TokenType.HEREDOC_STRING,
        TokenType.UNICODE_STRING,
        TokenType.IDENTIFIER,
    }
)

_JOIN_WORDS = frozenset(
    {"JOIN", "LEFT", "RIGHT", "INNER", "OUTER", "FULL", "CROSS", "NATURAL", "SEMI", "ANTI"}
)

#: Node classes that begin with one of these keywords (placed before their children).
_PREFIX_WORDS: tuple[tuple[type[Any], frozenset[str]], ...] = (
    (exp.Join, _JOIN_WORDS),
    (exp.Select, frozenset({"SELECT"})),
    (exp.With, frozenset({"WITH"})),
    (exp.Distinct, frozenset({"DISTINCT"})),
    (exp.Having, frozenset({"HAVING"})),
    (exp.Where, frozenset({"WHERE"})),
    (exp.Group, frozenset({"GROUP"})),
    (exp.Order, frozenset({"ORDER"})),
    (exp.Limit, frozenset({"LIMIT"})),
    (exp.Offset, frozenset({"OFFSET"})),
    (exp.Fetch, frozenset({"FETCH"})),
    (exp.Qualify, frozenset({"QUALIFY"})),
    (exp.Lateral, frozenset({"LATERAL"})),
    (exp.Case, frozenset({"CASE"})),
    (exp.Exists, frozenset({"EXISTS"})),
    (exp.Interval, frozenset({"INTERVAL"})),
    (exp.Insert, frozenset({"INSERT"})),
    (exp.Update, frozenset({"UPDATE"})),
    (exp.Delete, frozenset({"DELETE"})),
    (exp.Create, frozenset({"CREATE"})),
    (exp.Drop, frozenset({"DROP"})),
    (exp.Not, frozenset({"NOT"})),
    (exp.Null, frozenset({"NULL"})),
    (exp.Boolean, frozenset({"TRUE", "FALSE"})),
    (exp.Star, frozenset({"*"})),
    (exp.Neg, frozenset({"-"})),
    (exp.Lock, frozenset({"FOR"})),
    (exp.Into, frozenset({"INTO"})),
    (exp.TableSample, frozenset({"TABLESAMPLE", "SAMPLE"})),
)

_SET_OPS: tuple[tuple[type[Any], frozenset[str]], ...] = (
    (exp.Union, frozenset({"UNION"})),
    (exp.Intersect, frozenset({"INTERSECT"})),
    (exp.Except, frozenset({"EXCEPT"})),
)

#: Infix predicates that ``NOT`` wraps (``x NOT IN (...)``): placed at their left operand.
_INFIX_NEGATABLE = (exp.In, exp.Like, exp.ILike, exp.Between, exp.Is, exp.Escape)


def _meta_start(node: Any) -> int | None:
    meta = node._meta if hasattr(node, "_meta") else None
    if meta:
        start = meta.get("start")
        if isinstance(start, int):
            return start
    return None


def _meta_end(node: Any) -> int | None:
    meta = node._meta if hasattr(node, "_meta") else None
    if meta:
        end = meta.get("end")
        if isinstance(end, int):
            return end
    return None


@dataclass(slots=True)
class Statement:
    """One parsed statement: its text, sqlglot tree and tokens.

    Attributes:
        sql: The statement text as given.
        tree: The sqlglot expression.
        tokens: The tokens the tree was parsed from (with character offsets).
    """

    sql: str
    tree: Any
    tokens: list[Token]
    _cache: dict[int, int | None] = field(default_factory=dict, repr=False)

    # -- errors -----------------------------------------------------------------------

    def error(self, message: str, node: Any = None, *, construct: str) -> SQLError:
        """An :class:`SQLError` about ``construct`` located at ``node``."""
        if isinstance(node, list):
            node = node[0] if node else None
        position = self.position(node) if node is not None else None
        return SQLError(message, position=position, construct=construct)

    # -- positions --------------------------------------------------------------------

    def position(self, node: Any) -> int | None:
        """The 0-based character offset where ``node`` starts in :attr:`sql`, if found."""
        key = id(node)
        if key not in self._cache:
            self._cache[key] = self._position(node)
        return self._cache[key]

    def _position(self, node: Any) -> int | None:
        start = _meta_start(node)
        if start is not None:
            return start
        if isinstance(node, exp.Window | exp.Ordered | exp.Alias | exp.Kwarg | exp.PropertyEQ):
            return self.position(node.this)
        if isinstance(node, exp.Paren):
            inner = self.position(node.this)
            return self._paren_before(inner)
        if isinstance(node, exp.Subquery):
            return self._paren_before(self.position(node.this))
        if isinstance(node, exp.Binary):
            left = self.position(node.this)
            return left if left is not None else self._lowest(node)
        if isinstance(node, exp.Column | exp.Table | exp.Dot):
            return self._lowest(node)
        if isinstance(node, exp.Placeholder):
            return self._placeholder(node)
        if isinstance(node, exp.Not) and isinstance(node.this, _INFIX_NEGATABLE):
            return self.position(node.this)
        for cls, set_words in _SET_OPS:
            if isinstance(node, cls):
                left_end = self._highest(node.this)
                found = self._first_after(left_end if left_end is not None else -1, set_words)
                return found if found is not None else self._paired(node, cls, set_words)
        words = self._prefix_words(node)
        lowest = self._lowest(node)
        if words is None:
            key = str(getattr(node, "key", "")).upper()
            found = self._last_before(lowest, frozenset({key})) if lowest is not None else None
            return found if found is not None else lowest
        if lowest is not None:
            found = self._last_before(lowest, words)
            if found is not None:
                return found
        paired = self._paired(node, type(node), words)
        return paired if paired is not None else lowest

    @staticmethod
    def _prefix_words(node: Any) -> frozenset[str] | None:
        if isinstance(node, exp.Command):
            return frozenset({str(node.this).upper()})
        if isinstance(node, exp.Var):
            return frozenset({node.name.upper()})
        for cls, words in _PREFIX_WORDS:
            if isinstance(node, cls):
                return words
        if isinstance(node, exp.Func) and not isinstance(node, exp.Anonymous):
            names = {name.upper() for name in type(node).sql_names()}
            return frozenset(names | {node.key.upper()})
        return None

    def _keyword_tokens(self, words: frozenset[str]) -> Iterator[Token]:
        for token in self.tokens:
            if token.token_type in _DATA_TOKENS:
                continue
            if token.text.upper() in words:
                yield token

    def _lowest(self, node: Any) -> int | None:
        starts = [s for n in node.walk() if (s := _meta_start(n)) is not None]
        if starts:
            return min(starts)
        children = [
            p for child in node.iter_expressions() if (p := self.position(child)) is not None
        ]
        return min(children) if children else None

    def _highest(self, node: Any) -> int | None:
        ends = [e for n in node.walk() if (e := _meta_end(n)) is not None]
        return max(ends) if ends else None

    def _last_before(self, offset: int, words: frozenset[str]) -> int | None:
        """The start of the last keyword run in ``words`` at or before ``offset``."""
        index: int | None = None
        for i, token in enumerate(self.tokens):
            if token.start > offset:
                break
            if token.token_type not in _DATA_TOKENS and token.text.upper() in words:
                index = i
        if index is None:
            return None
        while (
            index > 0
            and self.tokens[index - 1].token_type not in _DATA_TOKENS
            and self.tokens[index - 1].text.upper() in words
        ):
            index -= 1
        return int(self.tokens[index].start)

    def _first_after(self, offset: int, words: frozenset[str]) -> int | None:
        for token in self._keyword_tokens(words):
            if token.start > offset:
                return int(token.start)
        return None

    def _paired(self, node: Any, cls: type[Any], words: frozenset[str]) -> int | None:
        """Pair same-kind nodes with keyword tokens by order of appearance."""
        same = [
            n
            for n in self.tree.walk(bfs=False)
            if isinstance(n, cls) and self._prefix_words(n) == words
        ]
        tokens = list(self._keyword_tokens(words))
        for i, candidate in enumerate(same):
            if candidate is node:
                return int(tokens[i].start) if i < len(tokens) else None
        return None

    def _paren_before(self, offset: int | None) -> int | None:
        if offset is None:
            return None
        previous = None
        for token in self.tokens:
            if token.start >= offset:
                break
            previous = token
        if previous is not None and previous.token_type == TokenType.L_PAREN:
            return int(previous.start)
        return offset

    def _placeholder(self, node: Any) -> int | None:
        name = "" if node.name == "?" else node.name
        starts: list[int] = []
        for i, token in enumerate(self.tokens):
            if name:
                if (
                    token.token_type == TokenType.COLON
                    and i + 1 < len(self.tokens)
                    and self.tokens[i + 1].text == name
                ) or (
                    token.token_type == TokenType.PLACEHOLDER
                    and token.text
                    in (
                        f":{name}",
                        f"@{name}",
                        f"${name}",
                    )
                ):
                    starts.append(int(token.start))
            elif token.token_type == TokenType.PLACEHOLDER and token.text == "?":
                starts.append(int(token.start))
        same = [
            n
            for n in self.tree.walk(bfs=False)
            if isinstance(n, exp.Placeholder) and ("" if n.name == "?" else n.name) == name
        ]
        for i, candidate in enumerate(same):
            if candidate is node and i < len(starts):
                return starts[i]
        return starts[0] if starts else None


_CLASS_REPR = re.compile(r"<class 'sqlglot\.[\w.]*\.(\w+)'>")
_TOKEN_REPR = re.compile(r"<Token token_type: [^,]*, text: (.*?), line: \d+.*?>")


def _offset(sql: str, line: int, col: int) -> int:
    """The offset of 1-based ``line`` / ``col`` in ``sql``."""
    lines = sql.split("\n")
    line = max(1, min(line, len(lines)))
    return sum(len(x) + 1 for x in lines[: line - 1]) + max(0, col - 1)


def _unterminated(sql: str) -> int | None:
    """The offset of an unterminated quote or block comment, if any."""
    i = 0
    n = len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"`":
            j = i + 1
            while j < n:
                if sql[j] == ch:
                    if j + 1 < n and sql[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            if j >= n:
                return i
            i = j + 1
            continue
        if sql.startswith("--", i):
            newline = sql.find("\n", i)
            if newline < 0:
                return None
            i = newline + 1
            continue
        if sql.startswith("/*", i):
            close = sql.find("*/", i + 2)
            if close < 0:
                return i
            i = close + 2
            continue
        i += 1
    return None


def _syntax_error(sql: str, exc: Exception) -> SQLError:
    if isinstance(exc, sqlglot_errors.ParseError) and exc.errors:
        first = exc.errors[0]
        highlight = str(first.get("highlight") or "")
        line = int(first.get("line") or 1)
        col = int(first.get("col") or 1)
        position = max(0, _offset(sql, line, col) - max(0, len(highlight) - 1))
        description = str(first.get("description") or "invalid syntax")
        description = _TOKEN_REPR.sub(r"'\1'", description.split(". Line ")[0])
        description = _CLASS_REPR.sub(r"\1", description)
        near = f" near {highlight!r}" if highlight else ""
        return SQLError(f"syntax error{near}: {description}", position=position, construct="syntax")
    unterminated = _unterminated(sql)
    if unterminated is not None:
        return SQLError(
            "syntax error: unterminated quoted text or comment",
            position=unterminated,
            construct="syntax",
        )
    return SQLError(f"syntax error: {exc}", position=None, construct="syntax")


def parse(sql: str) -> Statement:
    """Parse exactly one SQL statement.

    Raises:
        SQLError: a syntax error, an empty text or several statements, with the position.
    """
    if not isinstance(sql, str):
        raise SQLError(f"the statement must be a string, got {type(sql).__name__}")
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)  # no "falling back to a Command" warnings on stderr
    try:
        tokens = _DIALECT.tokenize(sql)
        trees = _DIALECT.parser().parse(tokens, sql)
    except (sqlglot_errors.ParseError, sqlglot_errors.TokenError) as exc:
        raise _syntax_error(sql, exc) from None
    finally:
        logger.setLevel(level)
    found = [t for t in trees if t is not None]
    if not found:
        raise SQLError("empty statement", position=0, construct="statement")
    if len(found) > 1:
        second = Statement(sql, found[1], tokens)
        position = second.position(found[1])
        if position is None:
            semis = [t.start for t in tokens if t.token_type == TokenType.SEMICOLON]
            position = int(semis[0]) + 1 if semis else None
        raise SQLError(
            "one statement at a time: found more than one (separated by ';')",
            position=position,
            construct="multiple statements",
        )
    return Statement(sql, found[0], tokens)
