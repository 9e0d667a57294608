"""``QuerySet.explain()``: the compiled request, and with ``analyze=True`` the server's profile.

``explain()`` shows what would be sent (nothing is). ``explain(analyze=True)`` runs the
query once with Weaviate's query profile (``MetadataRequest.query_profile``, answered in
``SearchReply.query_profile``) and prints, under the request, the per-shard timings
the server measured for every stage of its search (vector search layers, keyword
tokenising and scoring, object loading, totals), as the server named them.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Generator
from typing import Any

from google.protobuf import text_format

from weavorm.engine._protocol.calls import Call, GrpcCall
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine.options import MetadataQuery
from weavorm.engine.results import QueryProfile, QueryResult
from weavorm.odm.compiler import Compiled

__all__ = ["analyze_op", "format_profile", "request_text"]

SearchOp = Callable[[CollectionContext, Compiled], Generator[Call, Any, QueryResult]]


def request_text(compiled: Compiled, call: Call) -> str:
    """The engine call and the gRPC message of ``compiled``, readable."""
    body = ""
    if isinstance(call, GrpcCall):
        body = text_format.MessageToString(call.request, as_one_line=False)
    return f"{compiled.describe()}\n-- gRPC {getattr(call, 'method', '')} --\n{body}"


def profiled(compiled: Compiled) -> Compiled:
    """``compiled`` asking the server for its query profile as well."""
    meta = compiled.kwargs.get("return_metadata")
    if not isinstance(meta, MetadataQuery):
        meta = MetadataQuery()
    kwargs = {**compiled.kwargs, "return_metadata": dataclasses.replace(meta, query_profile=True)}
    return dataclasses.replace(compiled, kwargs=kwargs)


def analyze_op(
    search_op: SearchOp, compiled: Compiled
) -> Callable[[CollectionContext, Any], Generator[Call, Any, str]]:
    """The operation running ``compiled`` with the profile; it returns the profile text."""

    def op(ctx: CollectionContext, binding: Any) -> Generator[Call, Any, str]:
        started = time.perf_counter()
        result = yield from search_op(ctx, profiled(compiled))
        elapsed = time.perf_counter() - started
        count = len(result.objects) or sum(len(g.objects) for g in result.groups.values())
        return format_profile(result.query_profile, objects=count, seconds=elapsed)

    return op


def _order(item: tuple[str, str]) -> tuple[bool, str]:
    return (item[0] == "total_took", item[0])  # the stages by name, the total last


def format_profile(profile: QueryProfile | None, *, objects: int, seconds: float) -> str:
    """The server's per-shard, per-stage timings as an indented text block."""
    head = (
        f"-- server query profile ({objects} object{'s' if objects != 1 else ''}, "
        f"round trip {seconds * 1000:.2f} ms as seen by the client) --"
    )
    if profile is None or not profile.shards:
        return f"{head}\n(the server returned no profile)\n"
    lines = [head]
    for shard in profile.shards:
        lines.append(f"shard {shard.name} on {shard.node or '?'}")
        for search, details in sorted(shard.searches.items()):
            lines.append(f"  {search}")
            width = max((len(k) for k in details), default=0)
            for key, value in sorted(details.items(), key=_order):
                lines.append(f"    {key.ljust(width)}  {value}")
    return "\n".join(lines) + "\n"
