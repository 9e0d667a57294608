"""``weavorm doctor``: check a server end to end and give a verdict a person can act on."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from weavorm.errors import WeavormError

__all__ = ["Check", "DoctorReport", "run_doctor"]


@dataclass(slots=True)
class Check:
    """One line of the report."""

    name: str
    ok: bool
    detail: str


@dataclass(slots=True)
class DoctorReport:
    """All checks; ``ok`` when every check passed."""

    target: str
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return all(c.ok for c in self.checks)

    def render(self) -> str:
        """The report as text."""
        lines = [f"weavorm doctor: {self.target}"]
        for check in self.checks:
            mark = "ok  " if check.ok else "FAIL"
            lines.append(f"  [{mark}] {check.name}: {check.detail}")
        failed = [c.name for c in self.checks if not c.ok]
        if failed:
            lines.append(f"verdict: NOT OK ({', '.join(failed)} failed)")
        else:
            lines.append("verdict: OK")
        return "\n".join(lines)


def run_doctor(
    *,
    url: str | None = None,
    grpc_url: str | None = None,
    api_key: str | None = None,
    timeout: float = 5.0,
) -> DoctorReport:
    """Run every check against the server and return the report (never raises)."""
    from weavorm.engine import RetryPolicy, connect

    try:
        client = connect(
            url,
            grpc_url=grpc_url,
            api_key=api_key,
            timeout=timeout,
            retry=RetryPolicy.none(),
            skip_init_checks=True,
            grpc_fallback="rest",
        )
    except WeavormError as exc:
        report = DoctorReport(target=str(url))
        report.checks.append(Check("configuration", False, str(exc)))
        return report
    report = DoctorReport(target=f"{client.config.http_url} (gRPC {client.config.grpc_target})")
    with client:
        live = client.is_live()
        report.checks.append(
            Check(
                "reachable and live",
                live,
                "answers /v1/.well-known/live"
                if live
                else "no answer: is the server running? (`weavorm server start`)",
            )
        )
        if not live:
            return report
        ready = client.is_ready()
        report.checks.append(
            Check("ready", ready, "ready" if ready else "live but not ready (starting up?)")
        )
        try:
            started = time.perf_counter()
            info = client.meta()
            elapsed = (time.perf_counter() - started) * 1000
            version = str(info.get("version", "?"))
            try:
                from weavorm.engine._protocol.misc import check_server_version

                check_server_version(version)
                report.checks.append(Check("version", True, version))
            except WeavormError as exc:
                report.checks.append(Check("version", False, str(exc)))
            modules = sorted((info.get("modules") or {}).keys())
            report.checks.append(
                Check("modules", True, ", ".join(modules) if modules else "(none enabled)")
            )
            report.checks.append(Check("REST round trip", True, f"{elapsed:.1f} ms"))
        except WeavormError as exc:
            report.checks.append(Check("meta", False, str(exc)))
        started = time.perf_counter()
        healthy = client.grpc_health()
        elapsed = (time.perf_counter() - started) * 1000
        report.checks.append(
            Check(
                "gRPC health",
                healthy,
                f"SERVING ({elapsed:.1f} ms)"
                if healthy
                else f"no SERVING answer at {client.config.grpc_target}: check the gRPC port",
            )
        )
        client._driver.check_grpc()  # as connect() does with grpc_fallback="rest"
        path, why = client._driver.data_path()
        if path == "grpc":
            detail = f"gRPC (searches, aggregates and batches): {why}"
        else:
            detail = (
                f"REST fallback: {why}. With connect(..., grpc_fallback='rest') fetches, "
                "searches and aggregates run over GraphQL, batch writes, references and "
                "deletes over REST; generative, rerank and media searches raise "
                "NoFallbackError; without grpc_fallback every gRPC call fails (see "
                "docs/failures.md)"
            )
        report.checks.append(Check("data path", True, detail))
    return report
