"""``weavorm schema ...`` and ``weavorm inspect`` run as a user would: in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from weavorm.engine import WeaviateClient

pytestmark = pytest.mark.integration

V1 = """
from weavorm import Field, Model, Refs
from weavorm.config import Vectorizer


class {name}Author(Model):
    name: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()


class {name}(Model):
    title: str = Field(tokenization="word")
    year: int = 0
    authors: Refs[{name}Author] = Field(default_factory=list)

    class Meta:
        vectorizer = Vectorizer.none()
"""

V2 = V1.replace("year: int = 0", "year: float = 0.0\n    pages: int | None = None")


class Cli:
    """Runs ``python -m weavorm`` against the test server with a models module."""

    def __init__(self, tmp_path: Path, server: Any, name: str) -> None:
        self.tmp_path = tmp_path
        self.server = server
        self.name = name
        self.module = f"cli_models_{name.lower()}"

    def write(self, template: str) -> None:
        source = textwrap.dedent(template).format(name=self.name)
        (self.tmp_path / f"{self.module}.py").write_text(source)

    def run(
        self, *args: str, connect: bool = True, models: bool = False
    ) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "weavorm", *args]
        if models:
            command += ["--models", self.module]
        if connect:
            command += ["--url", self.server.url, "--grpc-url", self.server.grpc_url]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(self.tmp_path), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
        env.pop("WEAVIATE_URL", None)
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=env,
            cwd=self.tmp_path,
            stdin=subprocess.DEVNULL,
            timeout=300,
            check=False,
        )


@pytest.fixture
def cli(
    tmp_path: Path, weaviate_server: Any, weaviate_client: WeaviateClient, collection_name: str
) -> Cli:
    return Cli(tmp_path, weaviate_server, collection_name)


def test_show_diff_migrate_rollback_inspect(cli: Cli, weaviate_client: WeaviateClient) -> None:
    name = cli.name
    cli.write(V1)

    shown = cli.run("schema", "show", connect=False, models=True)
    assert shown.returncode == 0, shown.stderr
    classes = json.loads(shown.stdout)
    assert [c["class"] for c in classes] == [f"{name}Author", name]

    planned = cli.run("schema", "diff", models=True)
    assert planned.returncode == 0, planned.stderr
    assert "2 changes:" in planned.stdout
    assert f"+ {name}: create collection" in planned.stdout
    assert cli.run("schema", "diff", "--check", models=True).returncode == 1

    declined = cli.run("schema", "migrate", models=True)
    assert declined.returncode == 1
    assert "pass --yes" in declined.stderr
    assert not weaviate_client.collections.exists(name)

    applied = cli.run("schema", "migrate", "--yes", models=True)
    assert applied.returncode == 0, applied.stderr
    assert "applied 2 change(s)" in applied.stdout
    checked = cli.run("schema", "diff", "--check", models=True)
    assert checked.returncode == 0 and checked.stdout.strip() == "no changes"
    weaviate_client.collections.get(name).data.insert_many([{"title": "a", "year": 1}])

    cli.write(V2)
    refused = cli.run("schema", "migrate", "--yes", models=True)
    assert refused.returncode == 1
    assert "[breaking]" in refused.stdout
    assert "needs --allow-breaking" in refused.stdout  # flags, not Python arguments
    assert "--allow-breaking" in refused.stderr
    assert "allow_breaking" not in refused.stdout + refused.stderr

    migrated = cli.run("schema", "migrate", "--yes", "--allow-breaking", "-v", models=True)
    assert migrated.returncode == 0, migrated.stderr
    assert f"{name} now points at {name}_v2" in migrated.stdout
    assert f"weavorm schema rollback {name}" in migrated.stdout
    assert f"{name}: 1 objects verified" in migrated.stdout
    assert f"{name}: 1/1 objects copied" in migrated.stdout
    assert cli.run("schema", "diff", "--check", models=True).returncode == 0

    inspected = cli.run("inspect", name)
    assert inspected.returncode == 0, inspected.stderr
    assert f"class {name}(Model):" in inspected.stdout
    assert "year: float | None = None" in inspected.stdout
    out = cli.tmp_path / "models_out.py"
    written = cli.run("inspect", "-o", str(out))
    assert written.returncode == 0, written.stderr
    assert written.stdout.strip() == f"wrote 2 models to {out}"
    compile(out.read_text(), str(out), "exec")

    rolled = cli.run("schema", "rollback", name)
    assert rolled.returncode == 0, rolled.stderr
    assert rolled.stdout.strip() == (
        f"{name} now points at {name}_v1 (was {name}_v2); {name}_v2 is kept"
    )
    again = cli.run("schema", "rollback", name)
    assert again.returncode == 1
    assert "no earlier version" in again.stderr


def test_errors_are_actionable(cli: Cli) -> None:
    missing = cli.run("schema", "diff", "--models", "no_such_models_module")
    assert missing.returncode == 1
    assert "cannot import the models module 'no_such_models_module'" in missing.stderr

    plain = cli.run("schema", "rollback", "NoSuchCollection")
    assert plain.returncode == 1
    assert "no such collection or alias" in plain.stderr

    usage = cli.run("schema", "diff", connect=False)
    assert usage.returncode == 2
    assert "--models" in usage.stderr

    unknown = cli.run("inspect", "NoSuchCollection")
    assert unknown.returncode == 1
    assert "no collection or alias 'NoSuchCollection'" in unknown.stderr
