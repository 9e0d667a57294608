"""weavorm on the lowest grpcio and protobuf that ``pyproject.toml`` claims, on a real server.

A virtual environment with exactly the floor versions (wheels from PyPI, pip's cache) and
weavorm installed editable from this tree is kept under
``${XDG_CACHE_HOME:-~/.cache}/weavorm/lowest-deps/<key>``; the key covers the floors, the
Python version and ``pyproject.toml``, so it is rebuilt only when one of them changes.
A smoke script then connects, creates a collection, inserts over gRPC and searches with
``near_vector`` in that environment.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
FLOORED = ("grpcio", "protobuf")
SETUP_TIMEOUT = 300
SMOKE_TIMEOUT = 90


def claimed_floors() -> dict[str, str]:
    """``{"grpcio": "1.74.0", ...}`` from ``[project] dependencies`` in ``pyproject.toml``."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"^dependencies = \[(.*?)^\]", text, flags=re.MULTILINE | re.DOTALL)
    assert block is not None, "no [project] dependencies in pyproject.toml"
    floors: dict[str, str] = {}
    for name in FLOORED:
        found = re.search(rf'"{name}>=([0-9][0-9.]*)', block.group(1))
        assert found is not None, f"pyproject.toml claims no floor for {name}"
        floors[name] = found.group(1)
    return floors


def _cache_root() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "weavorm" / "lowest-deps"


def _pip(python: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=SETUP_TIMEOUT,
    )


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build(target: Path, floors: dict[str, str]) -> None:
    staging = Path(tempfile.mkdtemp(prefix=".new-", dir=target.parent))
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", str(staging)], check=True, timeout=SETUP_TIMEOUT
        )
        python = staging / "bin" / "python"
        pins = [f"{name}=={version}" for name, version in floors.items()]
        # floors as wheels only: building grpcio from source would take many minutes
        wheels = _pip(python, "install", "-q", "--only-binary", ",".join(FLOORED), *pins)
        if wheels.returncode != 0:
            if "No matching distribution" in wheels.stderr:
                pytest.skip(
                    f"no wheel of {' '.join(pins)} for Python "
                    f"{sys.version_info.major}.{sys.version_info.minor} on this platform"
                )
            raise AssertionError(wheels.stdout + wheels.stderr)
        install = _pip(python, "install", "-q", "-e", str(ROOT), *pins)
        assert install.returncode == 0, install.stdout + install.stderr
        check = _pip(python, "check")
        assert check.returncode == 0, check.stdout + check.stderr
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


@pytest.fixture(scope="module")
def floor_python() -> Path:
    """The interpreter of a venv holding exactly the claimed grpcio and protobuf floors."""
    floors = claimed_floors()
    key_text = "\n".join(
        [
            sys.version,
            str(ROOT),
            *(f"{n}=={v}" for n, v in floors.items()),
            (ROOT / "pyproject.toml").read_text(encoding="utf-8"),
        ]
    )
    key = hashlib.sha256(key_text.encode()).hexdigest()[:16]
    target = _cache_root() / key
    with _locked(_cache_root() / f"{key}.lock"):
        if not (target / "bin" / "python").exists():
            _build(target, floors)
    return target / "bin" / "python"


SMOKE = """
import os, sys, uuid
from importlib import metadata
import grpc, google.protobuf
from weavorm.engine import connect
from weavorm.engine.types import DataObject

expected = {"grpcio": os.environ["T_GRPCIO"], "protobuf": os.environ["T_PROTOBUF"]}
actual = {name: metadata.version(name) for name in expected}
assert actual == expected, (actual, expected)
name = os.environ["T_COLLECTION"]
with connect(os.environ["T_URL"], grpc_url=os.environ["T_GRPC"]) as client:
    assert client.grpc_health()
    client.collections.create_from_dict({
        "class": name, "vectorizer": "none",
        "properties": [{"name": "title", "dataType": ["text"]},
                       {"name": "tags", "dataType": ["text[]"]},
                       {"name": "meta", "dataType": ["object"],
                        "nestedProperties": [{"name": "k", "dataType": ["text"]}]}],
    })
    try:
        col = client.collections.get(name)
        ids = [uuid.UUID(int=0xF000 + i) for i in range(20)]
        result = col.data.insert_many([
            DataObject({"title": f"t{i}", "tags": ["a", str(i)], "meta": {"k": str(i)}},
                       uuid=u, vector=[float(i), 1.0, 0.5])
            for i, u in enumerate(ids)
        ])
        assert not result.has_errors, result.errors
        hits = col.query.near_vector([19.0, 1.0, 0.5], limit=2)
        assert [o.uuid for o in hits.objects] == [ids[19], ids[18]], hits.objects
        assert hits.objects[0].properties["meta"] == {"k": "19"}
        assert len(col.query.fetch_objects(limit=100).objects) == 20
    finally:
        client.collections.delete(name)
print("ok", actual["grpcio"], actual["protobuf"])
"""


def test_floor_versions_are_what_pyproject_claims() -> None:
    floors = claimed_floors()
    assert set(floors) == set(FLOORED)


def test_smoke_on_the_lowest_grpcio_and_protobuf(
    floor_python: Path, weaviate_server: Any, collection_name: str
) -> None:
    floors = claimed_floors()
    env = {
        **os.environ,
        "T_URL": weaviate_server.url,
        "T_GRPC": weaviate_server.grpc_url,
        "T_COLLECTION": collection_name,
        "T_GRPCIO": floors["grpcio"],
        "T_PROTOBUF": floors["protobuf"],
    }
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        [str(floor_python), "-c", textwrap.dedent(SMOKE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=SMOKE_TIMEOUT,
        env=env,
        cwd=tempfile.gettempdir(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.split() == ["ok", floors["grpcio"], floors["protobuf"]]
