#!/usr/bin/env python3
"""A stand-in Prometheus on 127.0.0.1 for tests/prometheus/remote.sh.

Answers POST and GET /api/v1/query_range from the series of saved responses (--data FILE...):
the series whose metric name the query names (a `{pod!=""}` matcher drops series without a
pod), with only the samples inside [start, end]; a saved instant vector counts as one sample.
Logs each request as one line of JSON (--log). --mode makes it fail instead: status500,
status400, promerror (HTTP 200, "status": "error"), sleep (answers after 5 s). --sigv4
KEY:SECRET:REGION[:TOKEN] makes it recompute each request's AWS Signature Version 4 from the
canonical request (AWS's documented algorithm, service "aps") and answer 403 when the
signature, key, scope or session token does not match. --tls CERT:KEY serves HTTPS. The port
it listens on is written to --port-file once it listens.
"""
import argparse
import hashlib
import hmac
import http.server
import json
import os
import re
import ssl
import sys
import time
import urllib.parse


def load_series(paths):
    series = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for r in doc["data"]["result"]:
            values = r["values"] if "values" in r else [r["value"]]
            series.append((r["metric"], [(float(t), v) for t, v in values]))
    return series


def matrix(series, query, start, end):
    m = re.fullmatch(r'([A-Za-z_:][A-Za-z0-9_:]*)(\{pod!=""\})?', query)
    if not m:
        return None
    result = []
    for labels, values in series:
        if labels.get("__name__") != m.group(1) or (m.group(2) and not labels.get("pod")):
            continue
        inside = [[t if t != int(t) else int(t), v] for t, v in values if start <= t <= end]
        if inside:
            result.append({"metric": labels, "values": inside})
    return {"status": "success", "data": {"resultType": "matrix", "result": result}}


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def hmac_sha256(key, text):
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def sigv4_problem(expect, method, path, query, headers, body):
    """Why the request's SigV4 signature is wrong, or None when it is right."""
    key, secret, region = expect[:3]
    token = expect[3] if len(expect) > 3 else None
    auth = headers.get("Authorization", "")
    m = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                     r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})", auth)
    if not m:
        return "no AWS4-HMAC-SHA256 Authorization header"
    akid, day, reg, service, signed, signature = m.groups()
    amz_date = headers.get("X-Amz-Date", "")
    if akid != key or reg != region or service != "aps" or not amz_date.startswith(day):
        return "wrong key, scope or date"
    names = signed.split(";")
    if "host" not in names or "x-amz-date" not in names:
        return "host or x-amz-date not signed"
    if token is not None and (headers.get("X-Amz-Security-Token") != token or "x-amz-security-token" not in names):
        return "session token missing, wrong or not signed"
    canonical_headers = "".join(
        "%s:%s\n" % (n, " ".join((headers.get(n) or "").split())) for n in names)
    pairs = sorted(urllib.parse.parse_qsl(query, keep_blank_values=True))
    canonical_query = "&".join(
        "%s=%s" % (urllib.parse.quote(k, safe="-_.~"), urllib.parse.quote(v, safe="-_.~")) for k, v in pairs)
    canonical_uri = "/".join(urllib.parse.quote(urllib.parse.quote(s, safe="-_.~"), safe="-_.~")
                             for s in path.split("/"))
    payload_hash = headers.get("X-Amz-Content-Sha256") or sha256_hex(body)
    canonical = "\n".join([method, canonical_uri, canonical_query, canonical_headers, signed, payload_hash])
    scope = "%s/%s/%s/aws4_request" % (day, reg, service)
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, sha256_hex(canonical.encode())])
    k = hmac_sha256(("AWS4" + secret).encode(), day)
    for part in (reg, service, "aws4_request"):
        k = hmac_sha256(k, part)
    if not hmac.compare_digest(hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest(), signature):
        return "signature does not match"
    return None


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that gave up waiting
            super().handle_error(request, client_address)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed-ACK stall

    def log_message(self, *args):
        pass

    def answer(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.handle_query(b"")

    def do_POST(self):
        self.handle_query(self.rfile.read(int(self.headers.get("Content-Length", "0"))))

    def handle_query(self, body):
        opts = self.server.opts
        url = urllib.parse.urlsplit(self.path)
        form = dict(urllib.parse.parse_qsl(url.query if self.command == "GET" else body.decode()))
        with open(opts.log, "a", encoding="utf-8") as log:
            seen = {h: self.headers[h] for h in ("Authorization", "X-Scope-OrgID", "X-Amz-Security-Token",
                                                 "Content-Type") if h in self.headers}
            log.write(json.dumps({"method": self.command, "path": url.path, "form": form, "headers": seen},
                                 sort_keys=True) + "\n")
        if opts.sigv4:
            problem = sigv4_problem(opts.sigv4.split(":"), self.command, url.path, url.query, self.headers, body)
            if problem:
                return self.answer(403, '{"message":"%s"}' % problem)
        if url.path != opts.prefix + "/api/v1/query_range":
            return self.answer(404, "404 page not found\n", "text/plain")
        if opts.mode == "status500":
            return self.answer(500, "internal error\n", "text/plain")
        if opts.mode == "status400":
            return self.answer(400, '{"status":"error","errorType":"bad_data","error":"parse error"}')
        if opts.mode == "promerror":
            return self.answer(200, '{"status":"error","errorType":"timeout","error":"query timed out"}')
        if opts.mode == "sleep":
            time.sleep(5)
        doc = matrix(self.server.series, form.get("query", ""), float(form["start"]), float(form["end"]))
        if doc is None:
            return self.answer(400, '{"status":"error","errorType":"bad_data","error":"unknown query"}')
        self.answer(200, json.dumps(doc, separators=(",", ":")))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--data", nargs="*", default=[])
    p.add_argument("--mode", default="ok")
    p.add_argument("--sigv4")
    p.add_argument("--tls")
    p.add_argument("--prefix", default="", help="the path before /api/v1/query_range")
    opts = p.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    server.opts = opts
    server.series = load_series(opts.data)
    if opts.tls:
        cert, key = opts.tls.split(":")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    with open(opts.port_file + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    os.rename(opts.port_file + ".tmp", opts.port_file)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
