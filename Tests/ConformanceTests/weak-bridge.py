#!/usr/bin/env python3
"""A deliberately weak REST-to-SOAP bridge, for tests only: the conformance suite's
soap-bridge cases must fail against it.

Its weaknesses are the usual ones: the envelope is written by string concatenation, the
answer is parsed with external entities on and no limits, its declared encoding is trusted,
and a fault's faultstring is relayed to the client.

Usage: weak-bridge.py PORT UPSTREAM_URL
"""
import json
import re
import socket
import sys
import urllib.request
import xml.sax
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1])
UPSTREAM = sys.argv[2]
# Entity fetches and the upstream call must not hang a test.
socket.setdefaulttimeout(10)


def element(name, value):
    if isinstance(value, dict):
        attributes = "".join(f' {k[1:]}="{v}"' for k, v in value.items() if k.startswith("@"))
        text = value.get("$", "")
        return f"<{name}{attributes}>{text}</{name}>"
    if isinstance(value, list):
        value = json.dumps(value)
    return f"<{name}>{value}</{name}>"


def envelope(request):
    body = "".join(element(k, v) for k, v in request.items() if k != "properties")
    for name, value in (request.get("properties") or {}).items():
        body += f"<property><name>{name}</name><value>{value}</value></property>"
    return ('<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">'
            f'<env:Body><tns:submitBatch xmlns:tns="http://jobapi.ws.thunderhead.com/">{body}</tns:submitBatch></env:Body></env:Envelope>')


class Texts(xml.sax.ContentHandler):
    def __init__(self):
        super().__init__()
        self.stack, self.texts = [], {}

    def startElement(self, name, attrs):
        self.stack.append(name.split(":")[-1])

    def endElement(self, name):
        self.stack.pop()

    def characters(self, content):
        # An element's text is all the text inside it, however deep.
        for name in set(self.stack):
            self.texts.setdefault(name, []).append(content)


def parse(answer):
    # Trusts the declared encoding, whatever it is.
    declared = re.match(rb'<\?xml[^>]*encoding="([^"]+)"[^>]*\?>', answer)
    if declared:
        answer = answer[declared.end():].decode(declared.group(1).decode()).encode("utf-8")
    handler = Texts()
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, True)
    parser.setContentHandler(handler)
    parser.feed(answer)
    parser.close()
    return {name: "".join(pieces) for name, pieces in handler.texts.items()}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            request = json.loads(body)
        except Exception as error:  # includes RecursionError
            return self.answer(400, {"error": f"bad JSON: {type(error).__name__}"})
        if not isinstance(request, dict):
            return self.answer(400, {"error": "not an object"})
        call = urllib.request.Request(UPSTREAM, data=envelope(request).encode("utf-8", "surrogatepass"), method="POST")
        call.add_header("Content-Type", "text/xml; charset=utf-8")
        call.add_header("X-Request-Id", self.headers.get("X-Request-Id", ""))
        try:
            with urllib.request.urlopen(call) as response:
                answer = response.read()
        except urllib.error.HTTPError as error:
            answer = error.read()
        except Exception as error:
            return self.answer(502, {"error": str(error)})
        try:
            texts = parse(answer)
        except Exception as error:
            return self.answer(502, {"error": f"bad answer: {error}"})
        if "faultstring" in texts:
            return self.answer(502, {"error": texts["faultstring"]})
        if "return" not in texts:
            return self.answer(502, {"error": "no return"})
        return self.answer(200, {"jobId": texts["return"]})

    def answer(self, status, value):
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
