"""weavorm.contrib.django: the example site's own tests (Django's runner and
pytest-django), the management commands, and the site under gunicorn with 2 workers."""

from __future__ import annotations

import subprocess
import sys
import uuid
from typing import Any

import httpx
import pytest

from tests.integration.webservers import EXAMPLES, free_port, hammer, serve, server_env

pytestmark = pytest.mark.integration

SITE = EXAMPLES / "django_app"


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=SITE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def env(weaviate_server: Any, weaviate_client: Any) -> dict[str, str]:
    return server_env(weaviate_server, DJANGO_SETTINGS_MODULE="mysite.settings")


def test_django_test_runner_creates_and_drops_collections(env: dict[str, str], weaviate_client):
    out = manage(env, "test", "library", "-v", "2")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Ran 3 tests" in out.stderr and "OK" in out.stderr
    assert weaviate_client.collections.list_dicts() == {}  # dropped again afterwards


def test_pytest_django_fixture(env: dict[str, str], weaviate_client):
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q"],
        cwd=SITE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 passed" in out.stdout
    assert weaviate_client.collections.list_dicts() == {}


def test_management_commands(env: dict[str, str], weaviate_client):
    diff = manage(env, "weavorm_diff", "--check")
    assert diff.returncode == 1, diff.stdout + diff.stderr
    assert "Book" in diff.stdout and "Author" in diff.stdout

    check = manage(env, "weavorm_migrate", "--check")
    assert check.returncode == 1 and "not applied" in check.stdout
    assert not weaviate_client.collections.exists("Book")

    unconfirmed = manage(env, "weavorm_migrate")  # stdin is not a terminal: refuses
    assert unconfirmed.returncode == 1 and "--yes" in unconfirmed.stdout
    assert not weaviate_client.collections.exists("Book")

    applied = manage(env, "weavorm_migrate", "--yes")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert weaviate_client.collections.exists("Book")
    assert weaviate_client.collections.exists("Author")
    assert manage(env, "weavorm_diff", "--check").returncode == 0
    assert "No changes" in manage(env, "weavorm_migrate", "--check").stdout

    source = manage(env, "weavorm_inspect", "Book")
    assert source.returncode == 0 and "class Book(Model):" in source.stdout

    doctor = manage(env, "weavorm_doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "verdict: OK" in doctor.stdout

    wrong = manage(env, "weavorm_diff", "--alias", "archive")
    assert wrong.returncode == 1 and "no WEAVORM alias 'archive'" in wrong.stderr


def test_settings_errors_are_named(env: dict[str, str]):
    script = (
        "import django; from django.conf import settings; "
        "settings.configure(INSTALLED_APPS=['weavorm.contrib.django'], "
        "WEAVORM={'default': {'URL': 'http://x', 'PORT': 1}}); django.setup(); "
        "from weavorm.contrib.django import get_client; get_client()"
    )
    env = {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 1
    assert "ConfigError" in out.stderr and "unknown key(s) PORT" in out.stderr


def test_under_gunicorn_with_two_workers(env: dict[str, str], weaviate_client):
    assert manage(env, "weavorm_migrate", "--yes").returncode == 0
    port = free_port()
    args = ["gunicorn", "--preload", "--workers", "2", "-b", f"127.0.0.1:{port}"]
    args += ["mysite.wsgi"]
    env = {**env, "LIBRARY_WARM_CLIENT": "1"}  # the master uses a client before forking

    def job(client: httpx.Client, i: int) -> tuple[int, int]:
        title = f"book {i} {uuid.uuid4().hex[:8]}"
        made = client.post("/books/", json={"title": title, "year": 1900 + i})
        assert made.status_code == 201, made.text
        body = made.json()
        assert body["title"] == title and body["year"] == 1900 + i
        again = client.get(f"/books/{body['id']}/").json()
        assert (again["id"], again["title"]) == (body["id"], title)
        return body["pid"], again["pid"]

    with serve(args, cwd=SITE, env=env, port=port, ready_path="/books/") as base:
        pids = hammer(base, job, requests=64, threads=16)
        listed = httpx.get(base + "/books/?year=1963", timeout=30).json()["books"]
    assert [b["year"] for b in listed] == [1963]
    assert len(pids) == 64
    served = {pid for pair in pids for pid in pair}
    print(f"128 requests served by {len(served)} worker process(es)")
    assert weaviate_client.collections.get("Book").aggregate.over_all().total_count == 64
