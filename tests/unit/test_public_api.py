import inspect
import subprocess
import sys

import weavorm
import weavorm.engine
from weavorm.engine import AsyncWeaviateClient, WeaviateClient

EXPECTED_TOP = [
    "AsyncRepository",
    "AsyncSession",
    "AsyncWeaviateClient",
    "Field",
    "Model",
    "Q",
    "Ref",
    "Refs",
    "Repository",
    "RetryPolicy",
    "Session",
    "Timeout",
    "WeaviateClient",
    "__version__",
    "configure",
    "connect",
    "connect_async",
    "connect_embedded",
    "errors",
    "schema",
]


def test_all_is_sorted_and_pinned() -> None:
    assert weavorm.__all__ == sorted(weavorm.__all__)
    assert weavorm.__all__ == EXPECTED_TOP
    for module in (weavorm, weavorm.engine, weavorm.errors):
        assert list(module.__all__) == sorted(module.__all__), module.__name__
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"


def test_import_has_no_side_effects() -> None:
    code = (
        "import sys, threading; import weavorm, weavorm.engine, weavorm.config;"
        "assert threading.active_count() == 1, threading.enumerate();"
        "lazy = ('weavorm.server', 'weavorm.sql', 'weavorm.testing.inference', 'sqlglot');"
        "assert not [m for m in lazy if m in sys.modules], sys.modules.keys() & set(lazy);"
        "print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def _public_methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


def test_async_client_mirrors_sync_client() -> None:
    sync = _public_methods(WeaviateClient)
    asyn = _public_methods(AsyncWeaviateClient)
    assert sync.keys() == asyn.keys()
    for name, sig in sync.items():
        assert list(sig.parameters) == list(asyn[name].parameters), name
        assert inspect.iscoroutinefunction(getattr(AsyncWeaviateClient, name)), name


def test_parity_table_is_current() -> None:
    from pathlib import Path

    script = Path(__file__).parents[2] / "scripts" / "parity.py"
    out = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout
