"""A WSGI app for gunicorn ``--preload``: one weavorm client made at import, used
(REST and gRPC) before the workers fork, then shared by every worker.

``/rest?id=UUID`` reads the object over REST, ``/grpc?id=UUID`` over gRPC,
``/meta`` returns ``/v1/meta``; each reply echoes what it was asked, with the
worker's pid, so the test can check that every reply belongs to its request.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import weavorm

COLLECTION = os.environ["FORK_APP_COLLECTION"]
client = weavorm.connect(os.environ["WEAVIATE_URL"], grpc_url=os.environ["WEAVIATE_GRPC_URL"])
# used before the fork: pooled keep-alive sockets and a gRPC connection exist now
assert client.meta()["version"]
_ = client.collections.get(COLLECTION).query.fetch_objects(limit=1).objects

Start = Callable[[str, list[tuple[str, str]]], Any]


def application(environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
    """Answer one request with what the shared client fetched for it."""
    query = parse_qs(environ.get("QUERY_STRING", ""))
    asked = (query.get("id") or [""])[0]
    path = environ.get("PATH_INFO", "")
    out: dict[str, Any] = {"asked": asked, "path": path, "pid": os.getpid()}
    try:
        if path == "/rest":
            reply = client.raw.request("GET", f"/v1/objects/{COLLECTION}/{asked}")
            out["id"] = reply.json["id"]
            out["tag"] = reply.json["properties"]["tag"]
        elif path == "/grpc":
            obj = client.collections.get(COLLECTION).query.fetch_object_by_id(asked)
            assert obj is not None
            out["id"] = str(obj.uuid)
            out["tag"] = obj.properties["tag"]
        elif path == "/meta":
            meta = client.meta()
            out["version"] = meta["version"]
            out["keys"] = sorted(meta)
        status = "200 OK"
    except Exception as exc:  # reported to the test, which fails on it
        out["error"] = f"{type(exc).__name__}: {exc}"
        status = "500 Internal Server Error"
    body = json.dumps(out).encode()
    start_response(status, [("Content-Type", "application/json")])
    return [body]
