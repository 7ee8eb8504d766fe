#!/usr/bin/env python3
"""An OTLP/HTTP sink for the benchmarks: answers every POST /v1/traces with 200 at once and
keeps the bodies; GET /count decodes them and answers how many spans arrived (protobuf: each
Span is a length-delimited field 2 of a ScopeSpans). Decoding waits for /count because the
sink shares a core with the load generator: parsing while wrk runs would slow wrk, and so
the traced case, by the sink's own cost."""
import http.server
import sys

bodies = []


def varint(data, i):
    value, shift = 0, 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, i
        shift += 7


def fields(data):
    """(number, wire type, value) of one protobuf message; value is bytes for wire type 2."""
    i = 0
    while i < len(data):
        key, i = varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, i = varint(data, i)
            yield number, wire, None
        elif wire == 1:
            i += 8
            yield number, wire, None
        elif wire == 2:
            length, i = varint(data, i)
            yield number, wire, data[i:i + length]
            i += length
        elif wire == 5:
            i += 4
            yield number, wire, None
        else:
            raise ValueError("not protobuf")


def spans(body):
    count = 0
    for number, wire, resource_spans in fields(body):
        if number != 1 or wire != 2:
            continue
        for number, wire, scope_spans in fields(resource_spans):
            if number != 2 or wire != 2:
                continue
            count += sum(1 for n, w, _ in fields(scope_spans) if n == 2 and w == 2)
    return count


class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        bodies.append(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        answer = str(sum(spans(body) for body in list(bodies))).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
