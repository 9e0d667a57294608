"""The only place that does I/O: httpx and grpcio, auth, retries, deadlines, telemetry."""
