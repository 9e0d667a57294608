"""Sync and async facades of data and batching have the same names and parameters."""

from __future__ import annotations

import inspect

import pytest

from weavorm.engine import data
from weavorm.engine.batching import namespaces as batch

PAIRS = [
    (data.DataNamespace, data.AsyncDataNamespace),
    (batch.ClientBatchNamespace, batch.AsyncClientBatchNamespace),
    (batch.CollectionBatchNamespace, batch.AsyncCollectionBatchNamespace),
    (batch.BatchClient, batch.AsyncBatchClient),
    (batch.BatchCollection, batch.AsyncBatchCollection),
]


def _public(cls: type) -> dict[str, inspect.Signature | None]:
    out: dict[str, inspect.Signature | None] = {}
    for name, member in inspect.getmembers(cls):
        if name.startswith("_"):
            continue
        out[name] = inspect.signature(member) if callable(member) else None
    return out


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=lambda c: c.__name__)
def test_same_names_and_parameters(sync: type, async_: type) -> None:
    a, b = _public(sync), _public(async_)
    assert a.keys() == b.keys()
    for name, sig in a.items():
        other = b[name]
        if sig is None or other is None:
            assert sig is other, name
            continue
        assert list(sig.parameters) == list(other.parameters), name
        for param in sig.parameters.values():
            twin = other.parameters[param.name]
            assert (param.kind, param.default) == (twin.kind, twin.default), (name, param.name)


def test_async_methods_are_coroutines() -> None:
    for name in ("insert", "insert_many", "ingest", "delete_many", "reference_add_many"):
        assert inspect.iscoroutinefunction(getattr(data.AsyncDataNamespace, name))
    for name in ("add_object", "add_reference", "flush"):
        assert inspect.iscoroutinefunction(getattr(batch.AsyncBatchClient, name))


def test_options_are_keyword_only() -> None:
    sig = inspect.signature(data.DataNamespace.insert)
    assert all(
        p.kind is inspect.Parameter.KEYWORD_ONLY
        for n, p in sig.parameters.items()
        if n not in ("self", "properties")
    )
