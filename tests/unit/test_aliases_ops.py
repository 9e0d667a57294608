"""Aliases: request building and reply parsing, without a server."""

from __future__ import annotations

import pytest

from tests.unit._scripted import reply, run
from weavorm import errors
from weavorm.engine._protocol import aliases as ops
from weavorm.engine._protocol.calls import HttpCall
from weavorm.engine.aliases import AliasReturn
from weavorm.errors import ConfigError


def test_create_update_delete() -> None:
    calls, _ = run(ops.create("books", "book"), [reply(200, {"alias": "Books", "class": "Book"})])
    assert isinstance(calls[0], HttpCall)
    assert (calls[0].method, calls[0].path) == ("POST", "/v1/aliases")
    assert calls[0].json == {"alias": "Books", "class": "Book"}
    calls, ok = run(ops.update("Books", "BookV2"), [reply(200, {})])
    assert isinstance(calls[0], HttpCall)
    assert (calls[0].method, calls[0].path, calls[0].json) == (
        "PUT",
        "/v1/aliases/Books",
        {"class": "BookV2"},
    )
    assert ok is True
    _, ok = run(ops.update("Books", "BookV2"), [reply(404)])
    assert ok is False
    calls, ok = run(ops.delete("Books"), [reply(204)])
    assert isinstance(calls[0], HttpCall)
    assert (calls[0].method, calls[0].path) == ("DELETE", "/v1/aliases/Books")
    assert ok is True
    _, ok = run(ops.delete("Books"), [reply(404)])
    assert ok is False


def test_get_exists_list() -> None:
    _, alias = run(ops.get("books"), [reply(200, {"alias": "Books", "class": "Book"})])
    assert alias == AliasReturn(alias="Books", collection="Book")
    _, missing = run(ops.get("nope"), [reply(404)])
    assert missing is None
    _, there = run(ops.exists("Books"), [reply(200, {})])
    assert there is True
    calls, aliases = run(
        ops.list_all(collection="book"),
        [
            reply(
                200, {"aliases": [{"alias": "A", "class": "Book"}, {"alias": "B", "class": "Book"}]}
            )
        ],
    )
    assert isinstance(calls[0], HttpCall)
    assert calls[0].params == {"class": "Book"}
    assert list(aliases) == ["A", "B"]
    assert aliases["A"].collection == "Book"


def test_bad_names() -> None:
    with pytest.raises(errors.ConfigError):
        next(ops.create("", "Book"))
    with pytest.raises(errors.ConfigError):
        next(ops.get(None))  # type: ignore[arg-type]


def test_names_outside_weaviates_rules_are_refused_before_io() -> None:
    for bad in ("a/b", ".", "..", "A b", "\ud800"):
        with pytest.raises(ConfigError, match="alias_name"):
            run(ops.get(bad), [])
