"""Flask integration: ``db = Weavorm(app)`` (or ``db.init_app(app)``).

Config keys: ``WEAVORM_URL``, ``WEAVORM_GRPC_URL``, ``WEAVORM_API_KEY``,
``WEAVORM_HEADERS`` (a dict), ``WEAVORM_TIMEOUT`` (seconds); unset ones fall back to
``WEAVIATE_URL`` / ``WEAVIATE_GRPC_URL`` / ``WEAVIATE_API_KEY``, then
``http://localhost:8080``.

- ``db.client``: the app's client for this process, made on first use (a worker forked
  from a ``--preload`` master makes its own); closed at interpreter exit.
- ``db.session``: a :class:`~weavorm.Session` for the current request (or app
  context), made on first use; at teardown it is closed, so whatever the view did not
  ``db.session.commit()`` is discarded.
- Unbound managers (``Article.objects.filter(...)`` without ``using``) use
  ``db.client`` of the current app.
- ``Weavorm(app, error_handlers=True)`` or ``db.register_error_handlers(app)``: JSON
  errors: ``DoesNotExist`` -> 404, ``QueryError`` -> 400, pydantic
  ``ValidationError`` -> 422, ``FlushError`` -> 503.
- ``flask weavorm migrate [--check] [--allow-breaking] [--yes]``, ``flask weavorm
  diff [--check]``, ``flask weavorm inspect [COLLECTION...] [-o FILE]``,
  ``flask weavorm doctor``. The models are ``Weavorm(app, models=[...])`` (classes
  or module names), else every model defined so far.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click
import pydantic
from flask import Flask, current_app, g, has_app_context, jsonify
from flask.wrappers import Response

from weavorm.contrib._process import ClientSettings, ProcessClient
from weavorm.errors import ConfigError, FlushError, ObjectDoesNotExist, QueryError

if TYPE_CHECKING:
    from weavorm.engine import WeaviateClient
    from weavorm.odm.model import Model
    from weavorm.odm.session import Session

__all__ = ["Weavorm"]

_EXTENSION = "weavorm"
_SESSION = "_weavorm_session"


class _State:
    def __init__(self, app: Flask, models: Sequence[type[Model] | str] | None) -> None:
        self.settings = _settings(app)
        self.client = ProcessClient(self.settings.connect)
        self.models = models


def _settings(app: Flask) -> ClientSettings:
    config = app.config
    headers = config.get("WEAVORM_HEADERS") or {}
    if not isinstance(headers, dict):
        raise ConfigError(f"WEAVORM_HEADERS must be a dict, got {headers!r}")
    timeout = config.get("WEAVORM_TIMEOUT")
    try:
        seconds = float(timeout) if timeout is not None else None
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"WEAVORM_TIMEOUT must be a number of seconds, got {timeout!r}") from exc
    return ClientSettings(
        url=config.get("WEAVORM_URL"),
        grpc_url=config.get("WEAVORM_GRPC_URL"),
        api_key=config.get("WEAVORM_API_KEY"),
        headers=headers,
        timeout=seconds,
    )


class Weavorm:
    """The Flask extension.

    Args:
        app: The app (or call :meth:`init_app` later, for app factories).
        models: The models the ``flask weavorm`` commands manage (classes or module
            names); default: every model defined.
        error_handlers: Register the JSON error handlers.
        bind_managers: Make unbound managers use this extension's client.
    """

    def __init__(
        self,
        app: Flask | None = None,
        *,
        models: Sequence[type[Model] | str] | None = None,
        error_handlers: bool = False,
        bind_managers: bool = True,
    ) -> None:
        self._app: Flask | None = None
        self._models = models
        self._error_handlers = error_handlers
        self._bind = bind_managers
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask, *, error_handlers: bool | None = None) -> None:
        """Read the config, add the teardown, the ``weavorm`` commands and handlers."""
        app.extensions[_EXTENSION] = _State(app, self._models)
        self._app = app  # used outside an app context (the latest app wins)
        app.teardown_appcontext(_close_session)
        app.cli.add_command(_cli_group(self))
        if error_handlers if error_handlers is not None else self._error_handlers:
            self.register_error_handlers(app)
        if self._bind:
            import weavorm

            weavorm.configure(client_factory=self.client_factory)

    def client_factory(self) -> WeaviateClient:
        """``db.client`` as a function (what unbound managers call)."""
        return self.client

    def _state(self) -> _State:
        app = current_app._get_current_object() if has_app_context() else self._app  # type: ignore[attr-defined]
        if app is None:
            raise ConfigError("Weavorm is not bound to an app: call init_app(app) first")
        state = app.extensions.get(_EXTENSION)
        if state is None:
            raise ConfigError(f"app {app.name!r} has no Weavorm: call db.init_app(app)")
        return state  # type: ignore[no-any-return]

    @property
    def client(self) -> WeaviateClient:
        """The current app's client for this process (connected on first use)."""
        return self._state().client.get()

    @property
    def session(self) -> Session:
        """The session of the current app context (one per request).

        Raises:
            RuntimeError: outside an app or request context.
        """
        from weavorm.odm.session import Session

        if not has_app_context():
            raise RuntimeError("db.session needs an app or request context")
        session: Session | None = g.get(_SESSION)
        if session is None:
            session = Session(self.client)
            setattr(g, _SESSION, session)
        return session

    def models(self) -> list[type[Model]]:
        """The models the commands manage."""
        from weavorm.odm.registry import registry
        from weavorm.schema._cli import load_models

        chosen = self._state().models
        if chosen is None:
            return registry.models()
        out: list[type[Model]] = []
        names = [m for m in chosen if isinstance(m, str)]
        out.extend(m for m in chosen if not isinstance(m, str))
        if names:
            out.extend(m for m in load_models(names) if m not in out)
        return out

    def register_error_handlers(self, app: Flask) -> None:
        """JSON replies: DoesNotExist 404, QueryError 400, ValidationError 422, FlushError 503."""
        app.register_error_handler(ObjectDoesNotExist, _not_found)
        app.register_error_handler(QueryError, _bad_query)
        app.register_error_handler(pydantic.ValidationError, _invalid)
        app.register_error_handler(FlushError, _flush_failed)


def _close_session(exc: BaseException | None) -> None:
    session = g.pop(_SESSION, None)
    if session is not None:
        session.close()


def _reply(status: int, error: str, detail: Any) -> tuple[Response, int]:
    return jsonify({"error": error, "detail": detail}), status


def _not_found(exc: Exception) -> tuple[Response, int]:
    return _reply(404, "not_found", str(exc))


def _bad_query(exc: Exception) -> tuple[Response, int]:
    return _reply(400, "bad_query", str(exc))


def _invalid(exc: Exception) -> tuple[Response, int]:
    assert isinstance(exc, pydantic.ValidationError)
    errors = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
        for e in exc.errors()
    ]
    return _reply(422, "validation_error", errors)


def _flush_failed(exc: Exception) -> tuple[Response, int]:
    return _reply(503, "write_failed", str(exc))


def _cli_group(db: Weavorm) -> click.Group:
    from flask.cli import AppGroup

    from weavorm.contrib import _commands

    group = AppGroup("weavorm", help="Schema commands for this app's weavorm models.")

    def finish(status: int) -> None:
        if status:
            sys.exit(status)

    def confirm(question: str) -> bool:
        if not sys.stdin.isatty():
            return False
        return click.confirm(question, default=False)

    @group.command("migrate")
    @click.option("--check", is_flag=True, help="apply nothing; exit 1 when changes are pending")
    @click.option("--allow-breaking", is_flag=True, help="run shadow-collection migrations")
    @click.option("--yes", "-y", is_flag=True, help="apply without asking")
    def migrate(check: bool, allow_breaking: bool, yes: bool) -> None:
        """Create or migrate the models' collections."""
        finish(
            _commands.run_migrate(
                db.client,
                db.models(),
                check=check,
                allow_breaking=allow_breaking,
                yes=yes,
                confirm=confirm,
                echo=click.echo,
            )
        )

    @group.command("diff")
    @click.option("--check", is_flag=True, help="exit 1 when there are changes")
    def diff(check: bool) -> None:
        """Compare the models with the server's collections."""
        finish(_commands.run_diff(db.client, db.models(), check=check, echo=click.echo))

    @group.command("inspect")
    @click.argument("collections", nargs=-1)
    @click.option("--output", "-o", default=None, help="write to this file")
    def inspect(collections: tuple[str, ...], output: str | None) -> None:
        """Print model source for the server's collections."""
        finish(_commands.run_inspect(db.client, collections, output=output, echo=click.echo))

    @group.command("doctor")
    def doctor() -> None:
        """Check the configured server end to end."""
        finish(_commands.run_doctor(db._state().settings, echo=click.echo))

    return group
