"""Finding, caching and building the ``weaviate-server`` binary.

Lookup order (see :func:`find_binary`):

1. the ``WEAVORM_WEAVIATE_BIN`` environment variable (always wins, version unchecked);
2. ``weaviate-server`` on ``PATH``, only when the pinned default version is wanted;
3. the cache, ``${XDG_CACHE_HOME:-~/.cache}/weavorm/weaviate/<version>/weaviate-server``.

When none is found, :func:`install_binary` builds one into the cache from the Go module
``github.com/weaviate/weaviate/cmd/weaviate-server@v<version>`` (``go build`` in a small
build module, so that modules the Go proxy does not serve can be substituted).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from weavorm.errors import ConfigError, ServerStartError

__all__ = [
    "BINARY_ENV_VAR",
    "WEAVIATE_VERSION",
    "binary_cache_path",
    "find_binary",
    "install_binary",
    "normalize_version",
]

WEAVIATE_VERSION = "1.39.7"
"""The Weaviate version weavorm installs and tests against by default."""

BINARY_ENV_VAR = "WEAVORM_WEAVIATE_BIN"
"""Environment variable naming an explicit ``weaviate-server`` executable."""

_MODULE_PATH = "github.com/weaviate/weaviate/cmd/weaviate-server"
_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$")
_LOG_TAIL_LINES = 30
_DOCKER_HINT = "docker compose up -d  (with the docker-compose.yml at the root of the weavorm repo)"


def _exe_name() -> str:
    return "weaviate-server.exe" if sys.platform == "win32" else "weaviate-server"


def normalize_version(version: str | None) -> str:
    """Return a Weaviate version without its leading ``v``, validated.

    Args:
        version: ``"1.39.3"``, ``"v1.39.3"`` or ``None`` for :data:`WEAVIATE_VERSION`.

    Returns:
        The version as ``MAJOR.MINOR.PATCH`` (with an optional pre-release suffix).

    Raises:
        ConfigError: The version is not a semantic version.
    """
    if version is None:
        return WEAVIATE_VERSION
    text = version.strip()
    text = text.removeprefix("v")
    if not _VERSION_RE.match(text):
        raise ConfigError(
            f"invalid Weaviate version {version!r}: expected MAJOR.MINOR.PATCH such as "
            f"{WEAVIATE_VERSION!r}",
            field="version",
            value=version,
        )
    return text


def _cache_root() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "weavorm" / "weaviate"


def binary_cache_path(version: str | None = None) -> Path:
    """Return where the cached binary of ``version`` lives (whether or not it exists).

    Args:
        version: A Weaviate version; ``None`` means :data:`WEAVIATE_VERSION`.

    Returns:
        ``${XDG_CACHE_HOME:-~/.cache}/weavorm/weaviate/<version>/weaviate-server``.
    """
    return _cache_root() / normalize_version(version) / _exe_name()


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_binary(version: str | None = None) -> Path | None:
    """Find an existing ``weaviate-server`` executable without building anything.

    The ``WEAVORM_WEAVIATE_BIN`` environment variable wins whatever the version. A
    ``weaviate-server`` on ``PATH`` is used only when ``version`` is ``None`` or the pinned
    :data:`WEAVIATE_VERSION` (its version cannot be told without starting it, so an
    explicit other version goes to the cache). The cache is looked at last.

    Args:
        version: The wanted Weaviate version; ``None`` means :data:`WEAVIATE_VERSION`.

    Returns:
        The executable's path, or ``None`` when there is none.

    Raises:
        ConfigError: ``WEAVORM_WEAVIATE_BIN`` is set but names no executable file.
    """
    wanted = normalize_version(version)
    explicit = os.environ.get(BINARY_ENV_VAR, "").strip()
    if explicit:
        path = Path(explicit).expanduser()
        if not _is_executable(path):
            raise ConfigError(
                f"{BINARY_ENV_VAR}={explicit!r} is not an executable file",
                field=BINARY_ENV_VAR,
                value=explicit,
            )
        return path.resolve()
    if wanted == WEAVIATE_VERSION:
        on_path = shutil.which("weaviate-server")
        if on_path is not None:
            return Path(on_path).resolve()
    cached = binary_cache_path(wanted)
    if _is_executable(cached):
        return cached
    return None


def _tail(path: Path, *, offset: int = 0, lines: int = _LOG_TAIL_LINES) -> str:
    """Return the last ``lines`` lines of ``path`` written after byte ``offset``."""
    try:
        with path.open("rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            start = max(offset, size - 64 * 1024)
            fh.seek(start)
            data = fh.read()
    except OSError:
        return "  (no log)"
    text = data.decode("utf-8", errors="replace").splitlines()[-lines:]
    if not text:
        return "  (the log is empty)"
    return "\n".join(f"  {line}" for line in text)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` (a no-op where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with path.open("a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _missing_go_error(version: str, target: Path) -> ServerStartError:
    return ServerStartError(
        f"No weaviate-server {version} binary was found and Go is not installed to build "
        "one. Any of these fixes it:\n"
        f"  - point {BINARY_ENV_VAR} at a weaviate-server executable;\n"
        "  - install Go (https://go.dev/dl/) and weavorm builds it on first use into\n"
        f"    {target}\n"
        f"    (by hand: python -m weavorm server install --version {version});\n"
        f"  - run Weaviate in Docker instead: {_DOCKER_HINT}, then connect to "
        "http://localhost:8080."
    )


def install_binary(
    version: str | None = None,
    *,
    force: bool = False,
    timeout: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Build ``weaviate-server`` into the cache with Go unless it is there.

    The build runs with ``CGO_ENABLED=0`` in a temporary build module next to the cache
    entry (requiring ``github.com/weaviate/weaviate`` at ``version``) and the binary is
    moved into place atomically. A file lock in the cache directory makes
    concurrent processes wait for one build instead of building twice. Build output
    goes to ``build.log`` in the cache directory.

    Args:
        version: The Weaviate version; ``None`` means :data:`WEAVIATE_VERSION`.
        force: Rebuild even when the cached binary exists.
        timeout: Seconds the build may take; ``None`` waits as long as it needs
            (a first build takes several minutes).
        progress: Called with a line of text every few seconds while building
            (what go is doing, how long so far); default: printed to stderr.

    Returns:
        The cached executable's path.

    Raises:
        ServerStartError: Go is not installed, or the build failed (the message quotes
            the end of the build log).
    """
    wanted = normalize_version(version)
    target = binary_cache_path(wanted)
    if not force and _is_executable(target):
        return target
    go = shutil.which("go")
    if go is None:
        raise _missing_go_error(wanted, target)
    cache_dir = target.parent
    cache_dir.mkdir(parents=True, exist_ok=True)
    with _file_lock(cache_dir / ".install.lock"):
        if not force and _is_executable(target):
            return target  # another process built it while we waited
        return _build(go, wanted, target, timeout=timeout, progress=progress)


#: sroar versions that some Weaviate releases require but the Go module proxy does not serve,
#: mapped to a served version plus the compatibility shim that adds what is missing.
_SROAR = "github.com/weaviate/sroar"
_SROAR_SUBSTITUTES = {"v0.0.17": "v0.0.16", "v0.0.18": "v0.0.16"}
_SHIM = Path(__file__).resolve().parent / "_gocompat" / "sroar_compat.go.txt"
_REQUIRE_RE = re.compile(r"^\s*(?:require\s+)?(\S+)\s+(v\S+)", re.MULTILINE)


#: Seconds between progress lines while the Go build runs.
_BUILD_PROGRESS_EVERY = 10.0


def _say(line: str) -> None:
    print(f"weavorm: {line}", file=sys.stderr, flush=True)


def _run_reporting(
    command: list[str],
    *,
    log: IO[bytes],
    log_path: Path,
    env: dict[str, str],
    cwd: Path,
    timeout: float | None,
    say: Callable[[str], None],
    what: str,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``command`` into ``log``, saying every few seconds how far it got."""
    started = time.monotonic()
    log.write(f"$ {' '.join(command)}\n".encode())
    log.flush()
    proc = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    last = started
    try:
        while True:
            try:
                code = proc.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if timeout is not None and now - started > timeout:
                proc.kill()
                proc.wait()
                raise subprocess.TimeoutExpired(command, timeout) from None
            if now - last >= _BUILD_PROGRESS_EVERY:
                last = now
                say(f"{what}: {_build_status(log_path)}, {now - started:.0f} s so far")
    except BaseException:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        raise
    outcome = "done" if code == 0 else f"failed (exit code {code})"
    say(f"{what}: {outcome} after {time.monotonic() - started:.0f} s")
    return subprocess.CompletedProcess(command, code)


def _build_status(log_path: Path) -> str:
    """What the build log says so far: packages downloaded / compiled and the last one."""
    try:
        lines = log_path.read_text(errors="replace").splitlines()[1:]
    except OSError:
        return "running"
    downloads = sum(1 for line in lines if line.startswith("go: downloading"))
    compiled = sum(1 for line in lines if line and not line.startswith(("go:", "#", " ")))
    parts = []
    if downloads:
        parts.append(f"{downloads} modules downloaded")
    if compiled:
        parts.append(f"{compiled} packages compiled")
    if lines:
        parts.append(f"last: {lines[-1].strip()[:80]}")
    return ", ".join(parts) or "resolving modules"


def _module_requirement(go_mod: str, module: str) -> str | None:
    for name, version in _REQUIRE_RE.findall(go_mod):
        if name == module:
            return str(version)
    return None


def _download_json(go: str, spec: str, *, cwd: Path, env: dict[str, str]) -> dict[str, Any]:
    proc = subprocess.run(
        [go, "mod", "download", "-json", spec],
        cwd=cwd,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env=env,
        check=False,
    )
    try:
        info: dict[str, Any] = json.loads(proc.stdout or b"{}")
    except ValueError:
        info = {}
    if proc.returncode != 0 and "Error" not in info:
        info["Error"] = (proc.stderr or b"").decode("utf-8", "replace").strip()
    return info


def _prepare_module(go: str, version: str, work: Path, env: dict[str, str], log: Any) -> None:
    """Write a build module requiring Weaviate ``version``, substituting unserved modules.

    Weaviate 1.39.4 and later require sroar releases that the Go module proxy refuses to
    serve. For those the build replaces sroar with the newest served release plus a small
    shim of weavorm's own (``_gocompat/sroar_compat.go.txt``) that adds the few methods the
    newer releases introduced.
    """
    (work / "go.mod").write_text(
        "module weavorm.local/serverbuild\n\ngo 1.22\n\n"
        f"require github.com/weaviate/weaviate v{version}\n"
    )
    (work / "tools.go").write_text(
        '//go:build tools\n\npackage tools\n\nimport _ "' + _MODULE_PATH + '"\n'
    )
    info = _download_json(go, f"github.com/weaviate/weaviate@v{version}", cwd=work, env=env)
    if info.get("Error"):
        raise ServerStartError(f"Cannot download Weaviate {version}: {info['Error']}")
    go_mod = Path(str(info.get("GoMod", ""))).read_text() if info.get("GoMod") else ""
    sroar = _module_requirement(go_mod, _SROAR)
    substitute = _SROAR_SUBSTITUTES.get(sroar or "")
    if substitute is None:
        return
    served = _download_json(go, f"{_SROAR}@{substitute}", cwd=work, env=env)
    if served.get("Error") or not served.get("Dir"):
        raise ServerStartError(f"Cannot download {_SROAR}@{substitute}: {served.get('Error')}")
    local = work / "sroar"
    shutil.copytree(str(served["Dir"]), local)
    for path in [local, *local.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.copyfile(_SHIM, local / "weavorm_compat.go")
    with (work / "go.mod").open("a") as fh:
        fh.write(f"\nreplace {_SROAR} => ./sroar\n")
    log.write(
        f"# {_SROAR} {sroar} is not served by the module proxy: building with "
        f"{substitute} plus weavorm's compatibility shim\n".encode()
    )


def _build(
    go: str,
    version: str,
    target: Path,
    *,
    timeout: float | None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    cache_dir = target.parent
    log_path = cache_dir / "build.log"
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=cache_dir))
    built = work / _exe_name()
    env = {**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local"}
    say = progress or _say
    what = f"building weaviate-server {version}"
    started = time.monotonic()
    try:
        with log_path.open("wb") as log:
            say(f"{what} with Go (the first build takes about 5 minutes; log: {log_path})")
            try:
                _prepare_module(go, version, work, env, log)
                proc: subprocess.CompletedProcess[bytes] = subprocess.CompletedProcess([go], 0)
                for step in (
                    [go, "mod", "tidy"],
                    [go, "build", "-v", "-o", str(built), _MODULE_PATH],
                ):
                    left = (
                        None
                        if timeout is None
                        else max(1.0, timeout - (time.monotonic() - started))
                    )
                    proc = _run_reporting(
                        step,
                        log=log,
                        log_path=log_path,
                        env=env,
                        cwd=work,
                        timeout=left,
                        say=say,
                        what=what,
                    )
                    if proc.returncode != 0:
                        break
            except subprocess.TimeoutExpired:
                raise ServerStartError(
                    f"Building weaviate-server {version} took longer than {timeout} s.\n"
                    f"build log: {log_path}\nlast log lines:\n{_tail(log_path)}"
                ) from None
        if proc.returncode != 0 or not built.is_file():
            raise ServerStartError(
                f"Building weaviate-server {version} failed (exit code {proc.returncode}, "
                f"after {time.monotonic() - started:.0f} s).\n"
                f"build log: {log_path}\nlast log lines:\n{_tail(log_path)}\n"
                f"Alternatives: set {BINARY_ENV_VAR}, or {_DOCKER_HINT}."
            )
        built.chmod(0o755)
        os.replace(built, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target
