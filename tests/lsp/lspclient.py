"""A small, strict LSP client for end-to-end tests of `livecov lsp`.

It starts the real server process, frames JSON-RPC over its pipes, and
records every message the server sends, so tests can assert exact message
contents and sequences. Standard library only.
"""
import json
import os
import queue
import subprocess
import threading
import time


def path_uri(path):
    from urllib.parse import quote
    return "file://" + quote(os.path.abspath(path))


class Client:
    def __init__(self, cmd, cwd=None, env=None):
        # LIVECOV_WRAP (e.g. "valgrind --leak-check=full --error-exitcode=99")
        # runs the server under a checker; exit codes then carry its verdict.
        wrap = os.environ.get("LIVECOV_WRAP", "").split()
        cmd = wrap + list(cmd)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd, env=env)
        self.next_id = 0
        self.inbox = queue.Queue()
        self.messages = []          # everything received, in order
        self.stderr = b""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.err_reader = threading.Thread(target=self._read_err, daemon=True)
        self.err_reader.start()

    def _read_err(self):
        self.stderr = self.proc.stderr.read()

    def _read(self):
        f = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = f.readline()
                if not line:
                    self.inbox.put(None)
                    return
                line = line.decode("ascii").rstrip("\r\n")
                if line == "":
                    break
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
            n = int(headers["content-length"])
            body = f.read(n)
            msg = json.loads(body)
            self.inbox.put(msg)

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, msg):
        body = json.dumps(msg).encode("utf-8")
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params=None):
        m = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            m["params"] = params
        self.send(m)

    def request(self, method, params=None, timeout=30):
        """Sends a request and returns its response (the whole message)."""
        self.next_id += 1
        rid = self.next_id
        m = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            m["params"] = params
        self.send(m)
        return self.wait(lambda x: x.get("id") == rid and "method" not in x, timeout)

    def wait(self, pred, timeout=30):
        """Returns the first message (already seen or future) matching pred."""
        for m in self.messages:
            if pred(m) and not m.get("_taken"):
                m["_taken"] = True
                return m
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("no matching message; stderr: %r" % self.stderr[-2000:])
            try:
                m = self.inbox.get(timeout=left)
            except queue.Empty:
                continue
            if m is None:
                raise EOFError("server closed its output; stderr: %r" % self.stderr[-2000:])
            self.messages.append(m)
            self._auto_reply(m)
            if pred(m):
                m["_taken"] = True
                return m

    def _auto_reply(self, m):
        # Server-to-client requests (progress token creation) get an answer.
        if "method" in m and "id" in m:
            self.send({"jsonrpc": "2.0", "id": m["id"], "result": None})

    def drain(self):
        """Reads everything available without blocking."""
        while True:
            try:
                m = self.inbox.get_nowait()
            except queue.Empty:
                return
            if m is None:
                return
            self.messages.append(m)
            self._auto_reply(m)

    def sync(self):
        return self.request("livecov/sync", {})

    def notifications(self, method):
        self.drain()
        return [m["params"] for m in self.messages if m.get("method") == method]

    def initialize(self, root, options=None, caps=None):
        r = self.request("initialize", {
            "processId": os.getpid(), "rootUri": path_uri(root),
            "capabilities": caps or {"window": {"workDoneProgress": True}},
            "initializationOptions": options or {}})
        self.notify("initialized", {})
        return r

    def shutdown_exit(self, timeout=20):
        r = self.request("shutdown")
        self.notify("exit")
        code = self.proc.wait(timeout)
        return r, code
