"""OIDC users and groups on a real server, with a local fake identity provider.

The provider is a tiny JWKS endpoint with an RSA key made here (pure Python, no
crypto library); tokens are RS256 JWTs the test signs itself. Weaviate is told the
JWKS URL directly (``AUTHENTICATION_OIDC_JWKS_URL``), so no discovery is needed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import weavorm
from weavorm import errors
from weavorm.engine import WeaviateClient
from weavorm.engine.rbac import GroupTypes, Permissions, RoleBase, UserTypes

pytestmark = pytest.mark.integration

ROOT_KEY = "root-key"
CLIENT_ID = "weavorm-tests"
_SHA256_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def _probable_prime(bits: int, rng: random.Random) -> int:
    small = [p for p in range(3, 2000, 2) if all(p % d for d in range(3, int(p**0.5) + 1, 2))]
    while True:
        candidate = rng.getrandbits(bits) | (1 << (bits - 1)) | 1
        if any(candidate % p == 0 for p in small):
            continue
        d, r = candidate - 1, 0
        while d % 2 == 0:
            d //= 2
            r += 1
        for _ in range(24):
            x = pow(rng.randrange(2, candidate - 2), d, candidate)
            if x in (1, candidate - 1):
                continue
            for _ in range(r - 1):
                x = pow(x, 2, candidate)
                if x == candidate - 1:
                    break
            else:
                break
        else:
            return candidate


class FakeIssuer:
    """An RSA key, its JWKS served over HTTP, and a signer for RS256 ID tokens."""

    def __init__(self) -> None:
        rng = random.Random(1234)
        self.e = 65537
        while True:
            p, q = _probable_prime(1024, rng), _probable_prime(1024, rng)
            phi = (p - 1) * (q - 1)
            if p != q and phi % self.e:
                break
        self.n = p * q
        self.d = pow(self.e, -1, phi)
        jwks = json.dumps(
            {
                "keys": [
                    {
                        "kty": "RSA",
                        "kid": "k1",
                        "use": "sig",
                        "alg": "RS256",
                        "n": _b64(_int_bytes(self.n)),
                        "e": _b64(_int_bytes(self.e)),
                    }
                ]
            }
        ).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(jwks)))
                self.end_headers()
                self.wfile.write(jwks)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def token(self, subject: str, groups: list[str] | None = None) -> str:
        now = int(time.time())
        header = {"alg": "RS256", "typ": "JWT", "kid": "k1"}
        claims = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "sub": subject,
            "iat": now,
            "exp": now + 3600,
            "groups": groups or [],
        }
        signing_input = (
            _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())
        ).encode()
        size = (self.n.bit_length() + 7) // 8
        digest = _SHA256_PREFIX + hashlib.sha256(signing_input).digest()
        encoded = b"\x00\x01" + b"\xff" * (size - len(digest) - 3) + b"\x00" + digest
        signature = pow(int.from_bytes(encoded, "big"), self.d, self.n).to_bytes(size, "big")
        return signing_input.decode() + "." + _b64(signature)


@pytest.fixture(scope="module")
def issuer() -> Iterator[FakeIssuer]:
    fake = FakeIssuer()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="module")
def oidc_server(issuer: FakeIssuer) -> Iterator[Any]:
    """A real server with API keys, OIDC (the fake issuer) and RBAC."""
    from weavorm.errors import WeavormError
    from weavorm.server import WeaviateServer

    server = WeaviateServer(
        env={
            "AUTHENTICATION_APIKEY_ENABLED": "true",
            "AUTHENTICATION_APIKEY_ALLOWED_KEYS": ROOT_KEY,
            "AUTHENTICATION_APIKEY_USERS": "root-user",
            "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED": "false",
            "AUTHENTICATION_OIDC_ENABLED": "true",
            "AUTHENTICATION_OIDC_ISSUER": issuer.url,
            "AUTHENTICATION_OIDC_JWKS_URL": issuer.url + "/jwks",
            "AUTHENTICATION_OIDC_CLIENT_ID": CLIENT_ID,
            "AUTHENTICATION_OIDC_USERNAME_CLAIM": "sub",
            "AUTHENTICATION_OIDC_GROUPS_CLAIM": "groups",
            "AUTHORIZATION_RBAC_ENABLED": "true",
            "AUTHORIZATION_RBAC_ROOT_USERS": "root-user",
        }
    )
    try:
        server.start()
    except WeavormError as exc:
        pytest.skip(f"cannot start weaviate-server with OIDC: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def root(oidc_server: Any) -> Iterator[WeaviateClient]:
    client = weavorm.connect(oidc_server.url, grpc_url=oidc_server.grpc_url, api_key=ROOT_KEY)
    try:
        yield client
    finally:
        for name in client.roles.list_all():
            if name.startswith("t-"):
                client.roles.delete(name)
        client.close()


def test_oidc_user_roles(oidc_server: Any, issuer: FakeIssuer, root: WeaviateClient) -> None:
    role = f"t-{uuid.uuid4().hex[:8]}"
    root.roles.create(role_name=role, permissions=Permissions.cluster(read=True))
    bob = weavorm.connect(
        oidc_server.url, grpc_url=oidc_server.grpc_url, bearer_token=issuer.token("bob")
    )
    try:
        me = bob.users.get_my_user()
        assert (me.user_id, me.roles, me.groups) == ("bob", {}, [])
        with pytest.raises(errors.PermissionDeniedError):
            bob.cluster.statistics()

        root.users.oidc.assign_roles(user_id="bob", role_names=role)
        assert root.users.oidc.get_assigned_roles(user_id="bob") == {role: RoleBase(role)}
        full = root.users.oidc.get_assigned_roles(user_id="bob", include_permissions=True)
        assert full[role].cluster_permissions
        assert [(a.user_id, a.user_type) for a in root.roles.get_user_assignments(role)] == [
            ("bob", UserTypes.OIDC)
        ]
        assert bob.cluster.statistics().synchronized is True
        assert list(bob.users.get_my_user().roles) == [role]

        root.users.oidc.revoke_roles(user_id="bob", role_names=[role])
        assert root.users.oidc.get_assigned_roles(user_id="bob") == {}
        with pytest.raises(errors.PermissionDeniedError):
            bob.cluster.statistics()
    finally:
        bob.close()


def test_oidc_group_roles(oidc_server: Any, issuer: FakeIssuer, root: WeaviateClient) -> None:
    role = f"t-{uuid.uuid4().hex[:8]}"
    root.roles.create(role_name=role, permissions=Permissions.cluster(read=True))
    token = issuer.token("carol", groups=["analysts"])
    carol = weavorm.connect(oidc_server.url, grpc_url=oidc_server.grpc_url, bearer_token=token)
    try:
        assert carol.users.get_my_user().groups == ["analysts"]
        with pytest.raises(errors.PermissionDeniedError):
            carol.cluster.statistics()
        root.groups.oidc.assign_roles(group_id="analysts", role_names=role)
        assert list(root.groups.oidc.get_assigned_roles(group_id="analysts")) == [role]
        assert "analysts" in root.groups.oidc.get_known_group_names()
        assert [(g.group_id, g.group_type) for g in root.roles.get_group_assignments(role)] == [
            ("analysts", GroupTypes.OIDC)
        ]
        assert carol.cluster.statistics().synchronized is True
        root.groups.oidc.revoke_roles(group_id="analysts", role_names=role)
        with pytest.raises(errors.PermissionDeniedError):
            carol.cluster.statistics()
    finally:
        carol.close()


async def test_async_oidc_user_roles(
    oidc_server: Any, issuer: FakeIssuer, root: WeaviateClient
) -> None:
    role = f"t-{uuid.uuid4().hex[:8]}"
    root.roles.create(role_name=role, permissions=Permissions.cluster(read=True))
    async with weavorm.connect_async(
        oidc_server.url, grpc_url=oidc_server.grpc_url, api_key=ROOT_KEY
    ) as client:
        await client.users.oidc.assign_roles(user_id="dave", role_names=role)
        assert list(await client.users.oidc.get_assigned_roles(user_id="dave")) == [role]
        roles = await client.users.oidc.get_assigned_roles(user_id="dave", include_permissions=True)
        assert roles[role].cluster_permissions
        await client.users.oidc.revoke_roles(user_id="dave", role_names=role)
        assert await client.users.oidc.get_assigned_roles(user_id="dave") == {}
    async with weavorm.connect_async(
        oidc_server.url, grpc_url=oidc_server.grpc_url, bearer_token=issuer.token("dave")
    ) as dave:
        assert (await dave.users.get_my_user()).user_id == "dave"
