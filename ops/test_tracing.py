"""OpenTelemetry traces (issue 21): `parhub serve` with an OTLP endpoint sends a span per request,
named by its route, and under it a span per SQL statement of the repositories, over OTLP/HTTP in
protobuf. A small receiver here decodes them with opentelemetry-proto (the collector's own schema)."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest, ExportTraceServiceResponse

from conftest import Parhub, free_port


class Receiver:
    """An OTLP/HTTP trace receiver: every span it was sent, with its resource's service name."""

    def __init__(self) -> None:
        self.spans: list[tuple[str, object]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                with receiver.lock:
                    for resource in request.resource_spans:
                        service = next((a.value.string_value for a in resource.resource.attributes if a.key == "service.name"), "")
                        for scope in resource.scope_spans:
                            receiver.spans.extend((service, span) for span in scope.spans)
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200 if self.path == "/v1/traces" else 404)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, name: str, timeout: float = 30) -> object:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                found = [span for _, span in self.spans if span.name == name]
            if found:
                return found[0]
            time.sleep(0.2)
        with self.lock:
            names = sorted({span.name for _, span in self.spans})
        raise AssertionError(f"no span named {name!r}; received {names}")

    def children(self, parent: object) -> list[object]:
        with self.lock:
            return [span for _, span in self.spans if span.trace_id == parent.trace_id and span.parent_span_id == parent.span_id]


def attributes(span: object) -> dict[str, object]:
    return {a.key: (a.value.string_value or a.value.int_value) for a in span.attributes}


def test_a_request_span_has_the_repository_statements_under_it(parhub: Parhub) -> None:
    receiver = Receiver()
    server = parhub.serve(env={"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver.port}",
                               "OTEL_BSP_SCHEDULE_DELAY": "200", "OTEL_SERVICE_NAME": "parhub-ops-test"})
    try:
        assert "tracing: spans are exported over OTLP/HTTP" in server.log.read_text()
        try:
            urllib.request.urlopen(server.url + "/api/v1/lookup?code=000.00.00.H26-261205-9999&secret=BIMAT123", timeout=10)
        except urllib.error.HTTPError as refused:
            assert refused.code == 404
        with urllib.request.urlopen(server.url + "/portal/service-index", timeout=10) as page:
            assert page.status == 200

        lookup = receiver.wait_for("GET /api/v1/lookup")
        facts = attributes(lookup)
        assert facts["http.route"] == "/api/v1/lookup" and facts["http.response.status_code"] == 404
        # Nothing that could identify a citizen: no query (the secret), no concrete path, no address.
        assert "url.query" not in facts and "client.address" not in facts and "user_agent.original" not in facts
        assert all("BIMAT123" not in str(value) for value in facts.values())
        statements = receiver.children(lookup)
        assert any(span.name == "INSERT rate_limits" for span in statements), [span.name for span in statements]

        portal = receiver.wait_for("GET /portal/service-index")
        selects = [span for span in receiver.children(portal) if span.name.startswith("SELECT ")]
        assert selects, "the portal's queries are spans under its request"
        first = attributes(selects[0])
        assert first["db.system.name"] == "sqlite" and first["db.operation.name"] == "SELECT"
        assert "?" in str(first["db.query.text"]) or "$1" in str(first["db.query.text"]) or "WHERE" not in str(first["db.query.text"])
        assert {service for service, _ in receiver.spans} == {"parhub-ops-test"}
    finally:
        server.stop()
        receiver.server.shutdown()


def test_without_an_endpoint_nothing_is_traced(parhub: Parhub) -> None:
    server = parhub.serve()
    try:
        assert "tracing:" not in server.log.read_text()
    finally:
        server.stop()
