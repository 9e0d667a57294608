"""Validated connection settings: URLs, ports, timeouts, pool, retries, auth, headers."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from weavorm.engine._protocol.circuit import CircuitBreaker
from weavorm.engine.retry import RetryPolicy
from weavorm.errors import ConfigError

__all__ = ["Auth", "ConnectionConfig", "GrpcSettings", "Timeout", "build_config"]

_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
#: Header values must be visible ASCII (and inner spaces/tabs): what both HTTP/1.1 and
#: gRPC metadata carry unchanged.
_HEADER_VALUE = re.compile(r"^([\x21-\x7e]([\x20-\x7e\t]*[\x21-\x7e])?)?$")
_GRPC_HOST = re.compile(r"^[A-Za-z0-9._\-:%]+$")
#: Credentials: visible ASCII without spaces (a key read from a file with its trailing
#: newline is refused rather than sent, since it would be echoed back in errors).
_SECRET_VALUE = re.compile(r"^[\x21-\x7e]+$")
#: Header names whose values are credentials: redacted in repr/str.
_SECRET_HEADER = re.compile(
    r"key|token|auth|secret|password|passwd|cookie|session|credential|signature|bearer"
    r"|jwt|private|access",
    re.IGNORECASE,
)
#: Longest timeout accepted (30 days): beyond it timers overflow in the libraries below.
MAX_SECONDS = 30 * 24 * 3600.0
_RESERVED_HEADERS = frozenset({"authorization", "content-length", "host", "te", "content-type"})
DEFAULT_GRPC_PORT = 50051
#: Weaviate's default ``GRPC_MAX_MESSAGE_SIZE`` (used until ``/v1/meta`` says otherwise).
DEFAULT_GRPC_MAX_MESSAGE = 104_858_000


def _check_seconds(name: str, value: Any, *, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
        or value > MAX_SECONDS
    ):
        raise ConfigError(
            f"{name} must be a positive number of seconds (at most {MAX_SECONDS:.0f}), "
            f"got {value!r}",
            field=name,
            value=value,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeout:
    """Timeouts in seconds.

    Attributes:
        connect: To open a connection.
        read: For a reply to a REST call or a gRPC deadline for queries.
        write: To send a request body.
        pool: To wait for a free pooled connection.
        batch: gRPC deadline for one batch request.
    """

    connect: float = 10.0
    read: float = 60.0
    write: float = 60.0
    pool: float = 10.0
    batch: float = 180.0

    def __post_init__(self) -> None:
        for name in ("connect", "read", "write", "pool", "batch"):
            _check_seconds(f"timeout.{name}", getattr(self, name))

    @classmethod
    def coerce(cls, value: float | Timeout | None) -> Timeout:
        """A :class:`Timeout` from a number (all parts), a Timeout, or None (defaults)."""
        if value is None:
            return cls()
        if isinstance(value, Timeout):
            return value
        _check_seconds("timeout", value)
        v = float(value)
        return cls(connect=v, read=v, write=v, pool=v, batch=max(v, 1.0))


def _check_secret(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{field} must be a non-empty string", field=field)
    if not _SECRET_VALUE.fullmatch(value):
        raise ConfigError(
            f"{field} holds whitespace, control or non-ASCII characters (a trailing "
            "newline from a file?); strip it before passing it (the value is not shown)",
            field=field,
        )
    return value


def is_secret_header(name: str) -> bool:
    """Whether header ``name`` looks like it carries a credential (api key, token...)."""
    return bool(_SECRET_HEADER.search(name))


@dataclass(frozen=True, slots=True, kw_only=True)
class GrpcSettings:
    """How the gRPC channel notices dead connections and replaces them.

    The keepalive values suit Weaviate's gRPC server, which keeps grpc-go's default
    enforcement (pings no more often than every 5 minutes, none without a call in
    flight, GOAWAY ``too_many_pings`` after 3 strikes): pings are sent only while a
    call is in flight and at most twice while nothing is sent, so a long call never
    earns a GOAWAY, yet a connection that went silent fails within
    ``keepalive_time + keepalive_timeout`` seconds.

    Attributes:
        keepalive_time: Seconds without a read, during a call, before a ping.
        keepalive_timeout: Seconds to wait for the ping's answer before the
            connection is declared dead.
        initial_reconnect_backoff: Seconds before the first reconnection attempt.
        max_reconnect_backoff: Upper bound of the wait between reconnection attempts
            (small, so that a restarted server is noticed within about a second).
        reset_after: Consecutive ``DEADLINE_EXCEEDED`` / ``UNAVAILABLE`` failures
            after which the channel is closed and rebuilt (0 never resets).
    """

    keepalive_time: float = 20.0
    keepalive_timeout: float = 10.0
    initial_reconnect_backoff: float = 0.25
    max_reconnect_backoff: float = 1.0
    reset_after: int = 2

    def __post_init__(self) -> None:
        for name in (
            "keepalive_time",
            "keepalive_timeout",
            "initial_reconnect_backoff",
            "max_reconnect_backoff",
        ):
            _check_seconds(f"grpc.{name}", getattr(self, name))
        if isinstance(self.reset_after, bool) or not isinstance(self.reset_after, int):
            raise ConfigError(
                f"grpc.reset_after must be an integer >= 0, got {self.reset_after!r}",
                field="grpc.reset_after",
                value=self.reset_after,
            )
        if self.reset_after < 0:
            raise ConfigError(
                f"grpc.reset_after must be an integer >= 0, got {self.reset_after!r}",
                field="grpc.reset_after",
                value=self.reset_after,
            )


@dataclass(frozen=True, slots=True)
class Auth:
    """Credentials sent as ``Authorization: Bearer ...`` on REST and gRPC.

    The secret never appears in ``repr``/``str``.
    """

    kind: str
    _secret: str = field(repr=False)

    @classmethod
    def api_key(cls, key: str) -> Auth:
        """An API key (Weaviate's ``AUTHENTICATION_APIKEY_*``).

        Raises:
            ConfigError: naming ``api_key`` (never showing the key) when it is empty or
                holds anything but visible ASCII (a trailing newline, a space, a
                non-ASCII character).
        """
        return cls("api_key", _check_secret(key, "api_key"))

    @classmethod
    def bearer_token(cls, token: str) -> Auth:
        """An OIDC access token obtained elsewhere (same rules as :meth:`api_key`)."""
        return cls("bearer_token", _check_secret(token, "bearer_token"))

    def header_value(self) -> str:
        """The ``Authorization`` header value."""
        return f"Bearer {self._secret}"

    def __repr__(self) -> str:
        return f"Auth(kind={self.kind!r}, secret='***')"

    __str__ = __repr__


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectionConfig:
    """Everything a client needs to reach one Weaviate server.

    Attributes:
        http_url: Base URL of the REST API, e.g. ``http://localhost:8080``.
        grpc_host: Host of the gRPC API.
        grpc_port: Port of the gRPC API.
        grpc_secure: Use TLS for gRPC.
        auth: Credentials, or None for anonymous access.
        headers: Extra headers for every REST and gRPC call (e.g. module API keys).
        timeout: Timeouts.
        retry: Retry policy for transient failures.
        pool_size: Maximum pooled HTTP connections.
        grpc_max_message_size: Largest gRPC message in bytes (raised after ``/v1/meta``).
        skip_init_checks: Do not contact the server when connecting.
        grpc: Keepalive, reconnection and channel-reset settings.
        circuit: Circuit breaker of each transport, or None for none.
        grpc_fallback: ``"rest"``: while gRPC is unreachable (at connect, or its
            circuit open), run the gRPC calls that have a REST equivalent over REST
            and GraphQL (see ``docs/failures.md``).
        allow_plaintext_grpc: Allow credentials over plaintext gRPC while REST uses
            ``https://`` (refused by default: the key would travel unencrypted).

    ``repr``/``str`` never show credentials: the values of headers whose names look
    secret (``*key*``, ``*token*``, ``*auth*``, ``*secret*``, ...) are ``'***'``.
    """

    http_url: str
    grpc_host: str
    grpc_port: int
    grpc_secure: bool = False
    auth: Auth | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: Timeout = field(default_factory=Timeout)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    pool_size: int = 20
    grpc_max_message_size: int = DEFAULT_GRPC_MAX_MESSAGE
    skip_init_checks: bool = False
    allow_plaintext_grpc: bool = False
    grpc: GrpcSettings = field(default_factory=GrpcSettings)
    circuit: CircuitBreaker | None = field(default_factory=CircuitBreaker)
    grpc_fallback: Literal["rest"] | None = None

    def __repr__(self) -> str:
        fields = (
            f"http_url={self.http_url!r}",
            f"grpc_host={self.grpc_host!r}",
            f"grpc_port={self.grpc_port!r}",
            f"grpc_secure={self.grpc_secure!r}",
            f"auth={self.auth!r}",
            f"headers={redact_headers(self.headers)!r}",
            f"timeout={self.timeout!r}",
            f"retry={self.retry!r}",
            f"pool_size={self.pool_size!r}",
            f"grpc_max_message_size={self.grpc_max_message_size!r}",
            f"skip_init_checks={self.skip_init_checks!r}",
            f"allow_plaintext_grpc={self.allow_plaintext_grpc!r}",
            f"grpc={self.grpc!r}",
            f"circuit={self.circuit!r}",
            f"grpc_fallback={self.grpc_fallback!r}",
        )
        return f"ConnectionConfig({', '.join(fields)})"

    __str__ = __repr__

    def __post_init__(self) -> None:
        _check_http_url(self.http_url)
        if not self.grpc_host or not isinstance(self.grpc_host, str):
            raise ConfigError(
                f"grpc host must be a host name, got {self.grpc_host!r}",
                field="grpc_url",
                value=self.grpc_host,
            )
        _check_port("grpc port", self.grpc_port)
        if isinstance(self.pool_size, bool) or not isinstance(self.pool_size, int):
            raise ConfigError(
                f"pool_size must be an integer, got {self.pool_size!r}",
                field="pool_size",
                value=self.pool_size,
            )
        if not 1 <= self.pool_size <= 1000:
            raise ConfigError(
                f"pool_size must be between 1 and 1000, got {self.pool_size}",
                field="pool_size",
                value=self.pool_size,
            )
        if not isinstance(self.timeout, Timeout):
            raise ConfigError("timeout must be a Timeout", field="timeout", value=self.timeout)
        if not isinstance(self.retry, RetryPolicy):
            raise ConfigError(
                f"retry must be a RetryPolicy, got {type(self.retry).__name__}",
                field="retry",
                value=self.retry,
            )
        if self.circuit is not None and not isinstance(self.circuit, CircuitBreaker):
            raise ConfigError(
                f"circuit must be a CircuitBreaker or None, got {type(self.circuit).__name__}",
                field="circuit",
                value=self.circuit,
            )
        if self.grpc_fallback not in (None, "rest"):
            raise ConfigError(
                f'grpc_fallback must be "rest" or None, got {self.grpc_fallback!r}',
                field="grpc_fallback",
                value=self.grpc_fallback,
            )
        if self.grpc_fallback is not None and self.circuit is None:
            raise ConfigError(
                "grpc_fallback needs a circuit breaker (it follows the gRPC circuit)",
                field="grpc_fallback",
                value=self.grpc_fallback,
            )
        _check_headers(self.headers)
        if (
            self.http_url.startswith("https://")
            and not self.grpc_secure
            and not self.allow_plaintext_grpc
            and (self.auth is not None or any(is_secret_header(k) for k in self.headers))
        ):
            raise ConfigError(
                "REST uses https:// but gRPC is plaintext, so the credentials would travel "
                "unencrypted over gRPC; use grpcs://host:port, or pass "
                "allow_plaintext_grpc=True to accept that",
                field="grpc_url",
            )

    @property
    def grpc_target(self) -> str:
        """``host:port`` for grpcio."""
        return f"{self.grpc_host}:{self.grpc_port}"

    def base_headers(self) -> dict[str, str]:
        """Headers for every REST call (auth included; never log these)."""
        headers = dict(self.headers)
        if self.auth is not None:
            headers["Authorization"] = self.auth.header_value()
        return headers

    def grpc_metadata(self) -> tuple[tuple[str, str], ...]:
        """Metadata for every gRPC call (lower-case keys; auth included)."""
        items = [(k.lower(), v) for k, v in self.headers.items()]
        if self.auth is not None:
            items.append(("authorization", self.auth.header_value()))
        return tuple(items)

    def redacted_headers(self) -> dict[str, str]:
        """Headers with every value that could be a secret replaced by ``***``."""
        return {k: "***" for k in self.base_headers()}


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """``headers`` with the values of secret-looking headers replaced by ``***``."""
    return {k: "***" if is_secret_header(k) else v for k, v in headers.items()}


def _check_port(name: str, port: Any) -> None:
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ConfigError(
            f"{name} must be an integer between 1 and 65535, got {port!r}",
            field=name.replace(" ", "_"),
            value=port,
        )


def _check_http_url(url: Any) -> None:
    if not isinstance(url, str) or not url:
        raise ConfigError(f"url must be a non-empty string, got {url!r}", field="url", value=url)
    try:
        parts = urlsplit(url)
        has_userinfo = "@" in parts.netloc
    except ValueError as exc:
        raise ConfigError(f"url is not a valid URL ({exc})", field="url") from exc
    if has_userinfo:
        raise ConfigError(
            "url must not carry credentials (user:password@host); use api_key= or "
            "bearer_token= (the url is not shown)",
            field="url",
        )
    if not url.isascii() or any(c.isspace() or ord(c) < 0x20 or c == "\x7f" for c in url):
        raise ConfigError(
            f"url must be ASCII without spaces or control characters, got {url!a}",
            field="url",
        )
    if parts.scheme not in ("http", "https"):
        raise ConfigError(
            f"url must start with http:// or https://, got {url!r}", field="url", value=url
        )
    if not parts.hostname:
        raise ConfigError(f"url has no host: {url!r}", field="url", value=url)
    try:
        port = parts.port
        parts.hostname  # noqa: B018 - raises on a malformed host
    except ValueError as exc:
        raise ConfigError(f"url has an invalid port: {url!r}", field="url", value=url) from exc
    if port is not None:
        _check_port("url port", port)
    if parts.query or parts.fragment:
        raise ConfigError(
            f"url must not carry a query or fragment: {url!r}", field="url", value=url
        )


def _check_headers(headers: Any) -> None:
    if not isinstance(headers, Mapping):
        raise ConfigError("headers must be a mapping of str to str", field="headers")
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise ConfigError(f"invalid header name {name!r}", field="headers", value=name)
        if name.lower() in _RESERVED_HEADERS:
            raise ConfigError(
                f"header {name!r} is set by weavorm; use api_key= or bearer_token= for auth",
                field="headers",
                value=name,
            )
        if not isinstance(value, str) or not _HEADER_VALUE.fullmatch(value):
            raise ConfigError(
                f"header {name!r} must have a single-line value of visible ASCII "
                "characters (the value is not shown)",
                field="headers",
                value=name,
            )


def _split_grpc_url(grpc_url: str) -> tuple[str, int, bool]:
    text = grpc_url.strip()
    secure = False
    if "://" in text:
        scheme, _, rest = text.partition("://")
        if scheme not in ("grpc", "grpcs", "http", "https"):
            raise ConfigError(
                f"grpc_url scheme must be grpc://, grpcs:// or none, got {grpc_url!r}",
                field="grpc_url",
                value=grpc_url,
            )
        secure = scheme in ("grpcs", "https")
        text = rest
    text = text.rstrip("/")
    host, sep, port_text = text.rpartition(":")
    if not sep or not host:
        raise ConfigError(
            f"grpc_url must be host:port, got {grpc_url!r}", field="grpc_url", value=grpc_url
        )
    try:
        port = int(port_text)
    except ValueError as exc:
        raise ConfigError(
            f"grpc_url has an invalid port: {grpc_url!r}", field="grpc_url", value=grpc_url
        ) from exc
    _check_port("grpc port", port)
    host = host.strip("[]")
    if "@" in host:
        raise ConfigError(
            "grpc_url must not carry credentials (user@host); the url is not shown",
            field="grpc_url",
        )
    if not _GRPC_HOST.fullmatch(host):
        raise ConfigError(
            f"grpc_url has an invalid host: {grpc_url!a}", field="grpc_url", value=grpc_url
        )
    return host, port, secure


def build_config(
    url: str | None = None,
    *,
    grpc_url: str | None = None,
    api_key: str | None = None,
    bearer_token: str | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float | Timeout | None = None,
    retry: RetryPolicy | None = None,
    pool_size: int = 20,
    skip_init_checks: bool = False,
    allow_plaintext_grpc: bool = False,
    environ: Mapping[str, str] | None = None,
    circuit: CircuitBreaker | Literal["default"] | None = "default",
    grpc_fallback: Literal["rest"] | None = None,
) -> ConnectionConfig:
    """Build a validated :class:`ConnectionConfig` from ``connect()``'s arguments.

    With no ``url`` the environment is read: ``WEAVIATE_URL``, ``WEAVIATE_GRPC_URL``,
    ``WEAVIATE_API_KEY``; then ``http://localhost:8080`` and gRPC on the same host at
    port 50051.

    Raises:
        ConfigError: naming the invalid setting (never showing a credential).
    """
    env = os.environ if environ is None else environ
    if headers is not None:
        _check_headers(headers)
    if not isinstance(allow_plaintext_grpc, bool):
        raise ConfigError(
            "allow_plaintext_grpc must be True or False", field="allow_plaintext_grpc"
        )
    if url is None:
        url = env.get("WEAVIATE_URL") or "http://localhost:8080"
        if grpc_url is None:
            grpc_url = env.get("WEAVIATE_GRPC_URL") or None
        if api_key is None and bearer_token is None:
            api_key = env.get("WEAVIATE_API_KEY") or None
    _check_http_url(url)
    url = url.rstrip("/")
    parts = urlsplit(url)
    if grpc_url is None:
        grpc_host = parts.hostname or "localhost"
        grpc_port, grpc_secure = DEFAULT_GRPC_PORT, parts.scheme == "https"
    else:
        if not isinstance(grpc_url, str):
            raise ConfigError(
                f"grpc_url must be a string, got {grpc_url!r}", field="grpc_url", value=grpc_url
            )
        grpc_host, grpc_port, grpc_secure = _split_grpc_url(grpc_url)
    if api_key is not None and bearer_token is not None:
        raise ConfigError(
            "give api_key or bearer_token, not both", field="api_key", value="(redacted)"
        )
    auth = None
    if api_key is not None:
        auth = Auth.api_key(api_key)
    elif bearer_token is not None:
        auth = Auth.bearer_token(bearer_token)
    return ConnectionConfig(
        http_url=url,
        grpc_host=grpc_host,
        grpc_port=grpc_port,
        grpc_secure=grpc_secure,
        auth=auth,
        headers=dict(headers or {}),
        timeout=Timeout.coerce(timeout),
        retry=retry if retry is not None else RetryPolicy(),
        pool_size=pool_size,
        skip_init_checks=skip_init_checks,
        circuit=CircuitBreaker() if circuit == "default" else circuit,
        grpc_fallback=grpc_fallback,
        allow_plaintext_grpc=allow_plaintext_grpc,
    )
