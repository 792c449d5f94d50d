#!/usr/bin/env python3
"""A stand-in for the AWS Price List bulk API on 127.0.0.1, for tests/pricing/fetch.sh and
bench/pricing.sh.

--route URL_PATH=FILE serves FILE at URL_PATH (GET, HTTP/1.1, with Content-Length; the body
goes out with sendfile, so that a 500 MB offer is served faster than gpuslice reads it). Other
paths answer 404 "Not Found". Ways to fail, each for one path:
  --cut URL_PATH=FILE         announces FILE's whole length, sends half of it, closes
  --cut-unframed URL_PATH=FILE  no Content-Length: sends half of FILE and closes (the end of
                              the body is then the end of the connection, so only the reader
                              can tell it was cut)
  --sleep URL_PATH            answers nothing for 5 s
A request in absolute form (GET http://host/path, as a client sends it to an HTTP proxy) is
answered as a request for its path: the server is then the proxy. Each request is logged as one
line "GET TARGET" (--log), the target as the client sent it. The port is written to --port-file
once the server listens.
"""
import argparse
import http.server
import os
import sys
import time
import urllib.parse


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that gave up
            super().handle_error(request, client_address)


def pairs(values):
    out = {}
    for v in values:
        path, _, file = v.partition("=")
        out[path] = file
    return out


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def do_GET(self):
        a = self.server.args
        if a.log:
            with open(a.log, "a", encoding="utf-8") as f:
                f.write("GET %s\n" % self.path)
        if self.path.startswith("http://"):  # through a proxy: serve the path
            self.path = urllib.parse.urlsplit(self.path).path
        if self.path in a.sleep:
            time.sleep(5)
            self.close_connection = True
            return
        if self.path in a.routes:
            return self.send_file(a.routes[self.path], cut=None)
        if self.path in a.cut:
            return self.send_file(a.cut[self.path], cut="framed")
        if self.path in a.cut_unframed:
            return self.send_file(a.cut_unframed[self.path], cut="unframed")
        body = b"Not Found"
        self.send_response(404)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_file(self, path, cut):
        size = os.path.getsize(path)
        self.send_response(200)
        self.send_header("Content-Type", "text/csv" if path.endswith(".csv") else "application/json")
        if cut != "unframed":
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()
        with open(path, "rb") as f:
            self.connection.sendfile(f, 0, size // 2 if cut else None)
        if cut:
            self.close_connection = True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--log")
    p.add_argument("--route", action="append", default=[])
    p.add_argument("--cut", action="append", default=[])
    p.add_argument("--cut-unframed", action="append", default=[])
    p.add_argument("--sleep", action="append", default=[])
    a = p.parse_args()
    a.routes, a.cut, a.cut_unframed = pairs(a.route), pairs(a.cut), pairs(a.cut_unframed)
    server = Server(("127.0.0.1", 0), Handler)
    server.args = a
    tmp = a.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, a.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
