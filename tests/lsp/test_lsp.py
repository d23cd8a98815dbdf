"""End-to-end tests of `livecov lsp`: the real server process, driven over
pipes by lspclient.Client, with exact message contents asserted.

Usage: test_lsp.py LIVECOV_BINARY [unittest args...]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lspclient import Client, path_uri  # noqa: E402

LIVECOV = None
HERE = os.path.dirname(os.path.abspath(__file__))


def make_project(extra=None):
    d = tempfile.mkdtemp(prefix="livecov-lsp-")
    root = os.path.join(d, "proj")
    shutil.copytree(os.path.join(HERE, "fixture"), root)
    for rel, text in (extra or {}).items():
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)
    return root


class ServerCase(unittest.TestCase):
    extra_files = None
    options = None

    def setUp(self):
        self.root = make_project(self.extra_files)
        self.client = Client([LIVECOV, "lsp"])
        self.init = self.client.initialize(self.root, self.options)
        self.client.sync()

    def tearDown(self):
        if self.client.proc.poll() is None:
            try:
                self.client.shutdown_exit()
            except Exception:
                self.client.proc.kill()
        shutil.rmtree(os.path.dirname(self.root), ignore_errors=True)

    def uri(self, rel):
        return path_uri(os.path.join(self.root, rel))

    def last(self, method, uri):
        items = [p for p in self.client.notifications(method) if p["uri"] == uri]
        self.assertTrue(items, "no %s for %s" % (method, uri))
        return items[-1]

    def open_doc(self, rel, version=1):
        path = os.path.join(self.root, rel)
        with open(path) as f:
            text = f.read()
        self.client.notify("textDocument/didOpen", {"textDocument": {
            "uri": self.uri(rel), "languageId": "lua", "version": version, "text": text}})
        return text

    def save(self, rel, text=None):
        if text is not None:
            with open(os.path.join(self.root, rel), "w") as f:
                f.write(text)
        self.client.notify("textDocument/didSave", {"textDocument": {"uri": self.uri(rel)}})
        self.client.sync()


class Lifecycle(ServerCase):
    def test_initialize_result(self):
        r = self.init["result"]
        self.assertEqual(r["serverInfo"]["name"], "livecov")
        caps = r["capabilities"]
        self.assertEqual(caps["positionEncoding"], "utf-16")
        self.assertEqual(caps["textDocumentSync"], {"openClose": True, "change": 2,
                                                   "save": {"includeText": False}})
        self.assertTrue(caps["hoverProvider"])
        self.assertEqual(caps["executeCommandProvider"]["commands"],
                         ["livecov.runAll", "livecov.runFile", "livecov.writeLcov", "livecov.summary"])

    def test_initial_run_progress_and_summary(self):
        c = self.client
        started = c.notifications("livecov/runStarted")
        self.assertEqual(started[0]["reason"], "initial")
        self.assertEqual(started[0]["specs"], [self.uri("spec/calc_spec.lua"), self.uri("spec/strutil_spec.lua")])
        creates = [m for m in c.messages if m.get("method") == "window/workDoneProgress/create"]
        self.assertEqual(len(creates), 1)
        token = creates[0]["params"]["token"]
        kinds = [p["value"]["kind"] for p in c.notifications("$/progress") if p["token"] == token]
        self.assertEqual(kinds, ["begin", "report", "report", "end"])
        reports = [p["value"]["message"] for p in c.notifications("$/progress") if p["value"]["kind"] == "report"]
        self.assertTrue(reports[-1].startswith("2/2 files"))
        s = c.notifications("livecov/summary")[-1]
        self.assertEqual(s["tests"], {"success": 3, "failure": 1, "error": 1, "pending": 0})
        self.assertEqual((s["files"], s["running"], s["disabled"]), (3, False, False))
        self.assertEqual(s["perFile"][0]["uri"], self.uri("src/unused.lua"))
        self.assertEqual(s["perFile"][0]["percent"], 0.0)

    def test_shutdown_then_exit_code_0(self):
        r, code = self.client.shutdown_exit()
        self.assertIsNone(r["result"])
        self.assertEqual(code, 0)

    def test_exit_without_shutdown_code_1(self):
        self.client.notify("exit")
        self.assertEqual(self.client.proc.wait(20), 1)

    def test_request_after_shutdown(self):
        self.client.request("shutdown")
        r = self.client.request("textDocument/hover", {"textDocument": {"uri": self.uri("src/calc.lua")},
                                                       "position": {"line": 0, "character": 0}})
        self.assertEqual(r["error"]["code"], -32600)
        self.client.notify("exit")
        self.assertEqual(self.client.proc.wait(20), 0)


class Coverage(ServerCase):
    def test_coverage_notification_exact(self):
        cov = self.last("livecov/coverage", self.uri("src/calc.lua"))
        # 0-based lines: calc.unused's body (line 15) never runs; its `end`
        # line holds the CLOSURE instruction of the main chunk, so it is hit.
        self.assertEqual(cov["uncovered"], [14])
        self.assertEqual(cov["covered"], [[0, 1], [2, 1], [3, 2], [4, 1], [6, 1], [7, 2],
                                          [8, 1], [10, 1], [11, 1], [13, 1], [15, 1], [17, 1]])
        self.assertEqual((cov["version"], cov["stale"], cov["partial"]), (None, False, []))
        self.assertEqual(cov["failed"], [{"line": 8, "message": "./src/calc.lua:9: division by zero"}])

    def test_matches_livecov_run(self):
        out = os.path.join(os.path.dirname(self.root), "run.json")
        subprocess.run([LIVECOV, "run", "--root", self.root, "--lpath", "./src/?.lua", "--json", out],
                       stdout=subprocess.DEVNULL, check=False)
        with open(out) as f:
            data = json.load(f)
        for fi in data["files"]:
            cov = self.last("livecov/coverage", self.uri(fi["path"]))
            self.assertEqual(sorted(l - 1 for l, h in fi["lines"] if h == 0), cov["uncovered"], fi["path"])
            self.assertEqual(sorted([l - 1, h] for l, h in fi["lines"] if h > 0), cov["covered"], fi["path"])

    def test_hook_mode_publishes_the_same(self):
        c = Client([LIVECOV, "lsp"])
        try:
            c.initialize(self.root, {"coverageMode": "hook"})
            c.sync()
            for rel in ("src/calc.lua", "src/strutil.lua", "src/unused.lua"):
                mine = [p for p in c.notifications("livecov/coverage") if p["uri"] == self.uri(rel)][-1]
                self.assertEqual(mine, self.last("livecov/coverage", self.uri(rel)), rel)
        finally:
            c.shutdown_exit()

    def test_never_loaded_file_is_published(self):
        cov = self.last("livecov/coverage", self.uri("src/unused.lua"))
        self.assertEqual((cov["covered"], cov["uncovered"]), ([], [0, 1, 2]))

    def test_diagnostics(self):
        d = self.last("textDocument/publishDiagnostics", self.uri("src/calc.lua"))["diagnostics"]
        self.assertEqual(d, [
            {"range": {"start": {"line": 8, "character": 0}, "end": {"line": 8, "character": 29}},
             "severity": 1, "source": "livecov", "message": "./src/calc.lua:9: division by zero"},
            {"range": {"start": {"line": 14, "character": 0}, "end": {"line": 14, "character": 23}},
             "severity": 4, "source": "livecov", "message": "line 15 is not covered by any test"}])
        spec = self.last("textDocument/publishDiagnostics", self.uri("spec/calc_spec.lua"))["diagnostics"]
        self.assertEqual([(x["range"]["start"]["line"], x["severity"]) for x in spec], [(14, 1), (18, 1)])
        self.assertIn("Expected objects to be equal.", spec[0]["message"])
        self.assertEqual(self.last("textDocument/publishDiagnostics", self.uri("src/strutil.lua"))["diagnostics"], [])

    def test_diagnostics_setting_republishes(self):
        self.client.notify("workspace/didChangeConfiguration",
                           {"settings": {"livecov": {"diagnostics": {"uncovered": "warning", "unnecessary": True}}}})
        self.client.sync()
        d = self.last("textDocument/publishDiagnostics", self.uri("src/calc.lua"))["diagnostics"]
        self.assertEqual([(x["severity"], x.get("tags")) for x in d], [(1, None), (2, [1])])
        self.client.notify("workspace/didChangeConfiguration",
                           {"settings": {"livecov": {"diagnostics": {"uncovered": "off", "failures": False}}}})
        self.client.sync()
        self.assertEqual(self.last("textDocument/publishDiagnostics", self.uri("src/calc.lua"))["diagnostics"], [])

    def test_hover(self):
        def hover(rel, line):
            r = self.client.request("textDocument/hover", {"textDocument": {"uri": self.uri(rel)},
                                                           "position": {"line": line, "character": 2}})
            return r["result"] and r["result"]["contents"]["value"]
        self.assertEqual(hover("src/calc.lua", 3),
                         "livecov: 2 hits \u00b7 2 tests: calc \u203a adds, calc \u203a fails on purpose")
        self.assertEqual(hover("src/calc.lua", 14), "livecov: not covered")
        self.assertIsNone(hover("src/calc.lua", 1))            # blank line: nothing to say
        self.assertIn("division by zero", hover("src/calc.lua", 8))

    def test_tests_notification(self):
        t = self.last("livecov/tests", self.uri("spec/calc_spec.lua"))["tests"]
        self.assertEqual([(x["label"], x["status"], x["line"]) for x in t],
                         [("adds", "success", 3), ("divides", "success", 7),
                          ("fails on purpose", "failure", 13), ("errors in the module", "error", 17)])
        self.assertEqual(t[1]["output"], "noise on stdout\nmore noise\n")
        self.assertEqual((t[2]["failUri"], t[2]["failLine"]), (self.uri("spec/calc_spec.lua"), 14))

    def test_test_coverage_request(self):
        tid = self.uri("spec/strutil_spec.lua") + "::strutil uppercases"
        r = self.client.request("livecov/testCoverage", {"id": tid})["result"]
        self.assertEqual(r, {"files": [{"uri": self.uri("src/strutil.lua"), "lines": [3]}]})


class Saves(ServerCase):
    def test_save_reruns_only_affected_specs(self):
        self.open_doc("src/strutil.lua")
        self.save("src/strutil.lua")
        started = self.client.notifications("livecov/runStarted")[-1]
        self.assertEqual((started["reason"], started["specs"]), ("save", [self.uri("spec/strutil_spec.lua")]))

    def test_save_fixing_a_test_clears_its_diagnostic(self):
        self.open_doc("spec/calc_spec.lua")
        path = os.path.join(self.root, "spec/calc_spec.lua")
        text = open(path).read().replace("assert.are.equal(5, calc.add(2, 2))", "assert.are.equal(4, calc.add(2, 2))")
        text = text.replace("calc.div(1, 0)", "assert.has_error(function() calc.div(1, 0) end)")
        self.save("spec/calc_spec.lua", text)
        self.assertEqual(self.last("textDocument/publishDiagnostics", self.uri("spec/calc_spec.lua"))["diagnostics"], [])
        self.assertEqual(self.client.notifications("livecov/summary")[-1]["tests"],
                         {"success": 5, "failure": 0, "error": 0, "pending": 0})

    def test_edit_marks_stale_and_shifts(self):
        self.open_doc("src/calc.lua", 1)
        self.client.notify("textDocument/didChange", {
            "textDocument": {"uri": self.uri("src/calc.lua"), "version": 2},
            "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                                "text": "-- a\n-- b\n"}]})
        self.client.sync()
        cov = self.last("livecov/coverage", self.uri("src/calc.lua"))
        self.assertEqual((cov["stale"], cov["version"]), (True, 2))
        self.assertEqual(cov["uncovered"], [16])
        self.assertEqual(cov["covered"][0], [2, 1])

    def test_deleting_lines_drops_and_shifts_marks(self):
        self.open_doc("src/calc.lua", 1)
        self.client.notify("textDocument/didChange", {
            "textDocument": {"uri": self.uri("src/calc.lua"), "version": 2},
            # two blank lines go: old 0-based lines 1 and 5
            "contentChanges": [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 2, "character": 0}},
                                "text": ""},
                               {"range": {"start": {"line": 4, "character": 0}, "end": {"line": 5, "character": 0}},
                                "text": ""}]})
        self.client.sync()
        cov = self.last("livecov/coverage", self.uri("src/calc.lua"))
        self.assertEqual((cov["stale"], cov["version"], cov["uncovered"]), (True, 2, [12]))
        self.assertEqual(cov["covered"][:4], [[0, 1], [1, 1], [2, 2], [3, 1]])
        # hover on a shifted line still finds the tests of its original line
        r = self.client.request("textDocument/hover", {"textDocument": {"uri": self.uri("src/calc.lua")},
                                                       "position": {"line": 2, "character": 2}})
        self.assertEqual(r["result"]["contents"]["value"],
                         "livecov: 2 hits \u00b7 2 tests: calc \u203a adds, calc \u203a fails on purpose (stale)")
        # saving reruns and publishes fresh, non-stale marks for the new text
        lines = open(os.path.join(self.root, "src/calc.lua")).read().split("\n")
        del lines[5]
        del lines[1]
        self.save("src/calc.lua", "\n".join(lines))
        cov = self.last("livecov/coverage", self.uri("src/calc.lua"))
        self.assertEqual((cov["stale"], cov["uncovered"]), (False, [12]))

    def test_watched_files(self):
        # a spec deleted on disk disappears from runs and its results go
        os.remove(os.path.join(self.root, "spec/strutil_spec.lua"))
        self.client.notify("workspace/didChangeWatchedFiles", {"changes": [
            {"uri": self.uri("spec/strutil_spec.lua"), "type": 3}]})
        self.client.sync()
        s = self.client.notifications("livecov/summary")
        self.client.request("workspace/executeCommand", {"command": "livecov.runAll"})
        self.client.sync()
        started = self.client.notifications("livecov/runStarted")[-1]
        self.assertEqual(started["specs"], [self.uri("spec/calc_spec.lua")])
        cov = self.last("livecov/coverage", self.uri("src/strutil.lua"))
        self.assertEqual(cov["covered"], [])
        # a module changed outside the editor reruns the specs that load it
        self.client.notify("workspace/didChangeWatchedFiles", {"changes": [
            {"uri": self.uri("src/calc.lua"), "type": 2}]})
        self.client.sync()
        started = self.client.notifications("livecov/runStarted")[-1]
        self.assertEqual((started["reason"], started["specs"]), ("save", [self.uri("spec/calc_spec.lua")]))

    def test_new_module_reruns_all(self):
        self.save("src/fresh.lua", "return 1\n")
        started = self.client.notifications("livecov/runStarted")[-1]
        self.assertEqual(len(started["specs"]), 2)


class Malformed(unittest.TestCase):
    def setUp(self):
        self.root = make_project()
        self.client = Client([LIVECOV, "lsp"])

    def tearDown(self):
        if self.client.proc.poll() is None:
            self.client.proc.kill()
        shutil.rmtree(os.path.dirname(self.root), ignore_errors=True)

    def test_errors_and_recovery(self):
        c = self.client
        r = c.request("textDocument/hover", {})
        self.assertEqual(r["error"]["code"], -32002)
        c.send_raw(b"Content-Length: abc\r\n\r\n{}")
        e = c.wait(lambda m: m.get("error", {}).get("code") == -32700)
        self.assertIsNone(e["id"])
        body = b"{not json"
        c.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        e = c.wait(lambda m: m.get("error", {}).get("code") == -32700 and m not in [e])
        self.assertIsNone(e["id"])
        c.initialize(self.root)
        self.assertEqual(c.request("no/such/method", {})["error"]["code"], -32601)
        self.assertEqual(c.request("textDocument/hover", {"textDocument": {}})["error"]["code"], -32602)
        self.assertEqual(c.request("textDocument/hover", [1, 2])["error"]["code"], -32602)
        c.notify("unknown/notification", {})
        c.sync()
        r, code = c.shutdown_exit()
        self.assertEqual(code, 0)


class BustedTask(ServerCase):
    """The server reads .busted with `livecov run`'s code: discovery, paths
    and the keys that change how a spec runs (keep-going here)."""
    extra_files = {
        ".busted": 'return { default = { ROOT = { "checks" }, pattern = "_check",\n'
                   '  lpath = "./lib/?.lua", ["keep-going"] = false } }\n',
        "lib/flag.lua": "local M = {}\nfunction M.a() return 1 end\nfunction M.b()\n  return 2\nend\nreturn M\n",
        "checks/flag_check.lua": 'local flag = require("flag")\n'
                                 'describe("flag", function()\n'
                                 '  it("fails first", function() assert.equal(2, flag.a()) end)\n'
                                 '  it("is never run", function() flag.b() end)\n'
                                 'end)\n',
    }

    def test_same_as_livecov_run(self):
        out = os.path.join(os.path.dirname(self.root), "run.json")
        subprocess.run([LIVECOV, "run", "--root", self.root, "--json", out],
                       stdout=subprocess.DEVNULL, check=False)
        with open(out) as f:
            data = json.load(f)
        self.assertEqual([t["name"] for s in data["specs"] for t in s["tests"]], ["flag fails first"])
        fi = [x for x in data["files"] if x["path"] == "lib/flag.lua"][0]
        cov = self.last("livecov/coverage", self.uri("lib/flag.lua"))
        self.assertEqual(sorted(l - 1 for l, h in fi["lines"] if h == 0), cov["uncovered"])
        self.assertEqual(sorted([l - 1, h] for l, h in fi["lines"] if h > 0), cov["covered"])
        self.assertIn(3, cov["uncovered"])       # M.b's body: keep-going is false


class Sandbox(ServerCase):
    extra_files = {
        "src/spin.lua": "local M = {}\nfunction M.spin()\n  local n = 0\n  while true do n = n + 1 end\nend\nreturn M\n",
        "spec/loop_spec.lua": 'local spin = require("spin")\n'
                              'describe("loop", function() it("spins", function() spin.spin() end) end)\n',
        "spec/exit_spec.lua": 'describe("exit", function() it("exits", function() os.exit(3) end) end)\n',
    }
    options = {"timeoutMs": 4000}

    def test_runaway_and_exit_reported_server_survives(self):
        d = self.last("textDocument/publishDiagnostics", self.uri("spec/loop_spec.lua"))["diagnostics"]
        self.assertEqual(len(d), 1)
        self.assertIn("timed out after 4 s", d[0]["message"])
        # stopped where it spun: the loop's line, with the coverage it gathered
        d = self.last("textDocument/publishDiagnostics", self.uri("src/spin.lua"))["diagnostics"]
        self.assertEqual([(x["range"]["start"]["line"], x["message"]) for x in d],
                         [(3, "timed out after 4 s")])
        cov = self.last("livecov/coverage", self.uri("src/spin.lua"))
        self.assertEqual([l for l, _ in cov["covered"]], [0, 1, 2, 3, 4, 5])
        self.assertEqual(cov["uncovered"], [])
        d = self.last("textDocument/publishDiagnostics", self.uri("spec/exit_spec.lua"))["diagnostics"]
        self.assertEqual([x["message"] for x in d], ["os.exit(3) called"])
        logs = [p["message"] for p in self.client.notifications("window/logMessage")]
        self.assertTrue(any("timed out" in l for l in logs), logs)
        # still serving
        self.assertEqual(self.client.sync()["result"], {})

    def test_no_orphan_workers_on_exit(self):
        self.client.notify("workspace/executeCommand", {})  # ignored notification
        self.client.request("workspace/executeCommand", {"command": "livecov.runAll"})
        time.sleep(0.3)                      # the looping spec is running now
        pid = self.client.proc.pid
        self.client.notify("exit")
        self.client.proc.wait(20)
        out = subprocess.run(["ps", "-eo", "pid,ppid,args"], capture_output=True, text=True).stdout
        workers = [l for l in out.splitlines() if "__worker" in l and self.root in l]
        self.assertEqual(workers, [], "orphaned workers of %d" % pid)


class Cancel(ServerCase):
    extra_files = {
        "src/spin.lua": "local M = {}\nfunction M.spin()\n  local n = 0\n  while true do n = n + 1 end\nend\nreturn M\n",
        "spec/loop_spec.lua": 'local spin = require("spin")\n'
                              'describe("loop", function() it("spins", function() spin.spin() end) end)\n',
    }
    options = {"timeoutMs": 60000}

    def setUp(self):
        self.root = make_project(self.extra_files)
        self.client = Client([LIVECOV, "lsp"])
        self.init = self.client.initialize(self.root, self.options)

    def test_cancel_request(self):
        c = self.client
        c.next_id += 1
        rid = c.next_id
        c.send({"jsonrpc": "2.0", "id": rid, "method": "livecov/sync", "params": {}})
        c.notify("$/cancelRequest", {"id": rid})
        r = c.wait(lambda m: m.get("id") == rid and "method" not in m)
        self.assertEqual(r["error"]["code"], -32800)


class Supersede(ServerCase):
    extra_files = {
        "src/slow.lua": "return { spin = function(s) local t = os.clock() while os.clock() - t < s do end end }\n",
        "spec/slow_spec.lua": 'local slow = require("slow")\n'
                              'describe("slow", function() it("spins", function() slow.spin(1.5) end) end)\n',
    }
    options = {"debounceMs": 0}

    def test_newer_save_cancels_run_in_flight(self):
        c = self.client
        n_before = len([t for t in c.notifications("livecov/tests") if t["uri"] == self.uri("spec/slow_spec.lua")])
        c.notify("textDocument/didSave", {"textDocument": {"uri": self.uri("src/slow.lua")}})
        c.wait(lambda m: m.get("method") == "livecov/runStarted" and m["params"]["reason"] == "save")
        time.sleep(0.2)                        # the first job is spinning now
        c.notify("textDocument/didSave", {"textDocument": {"uri": self.uri("src/slow.lua")}})
        c.sync()
        done = [t for t in c.notifications("livecov/tests") if t["uri"] == self.uri("spec/slow_spec.lua")]
        self.assertEqual(len(done) - n_before, 1)     # the superseded run published nothing
        finished = c.notifications("livecov/runFinished")[-1]
        self.assertTrue(finished["cancelled"])


class BustedConfig(ServerCase):
    extra_files = {
        ".busted": 'return { default = { lpath = "lib/?.lua", ROOT = { "tests" }, pattern = "_test",'
                   ' helper = "tests/helper.lua" } }\n',
        "lib/m.lua": "local M = {}\nfunction M.twice(x)\n  return 2 * x\nend\nreturn M\n",
        "tests/helper.lua": "HELPED = 21\n",
        "tests/m_test.lua": 'local M = require("m")\n'
                            'describe("m", function() it("doubles", function() assert.are.equal(42, M.twice(HELPED)) end) end)\n',
    }

    def test_busted_roots_pattern_lpath_helper(self):
        started = self.client.notifications("livecov/runStarted")[0]
        self.assertEqual(started["specs"], [self.uri("tests/m_test.lua")])
        self.assertEqual(self.client.notifications("livecov/summary")[-1]["tests"],
                         {"success": 1, "failure": 0, "error": 0, "pending": 0})
        cov = self.last("livecov/coverage", self.uri("lib/m.lua"))
        self.assertEqual(cov["uncovered"], [])
        # saving the helper reruns everything
        self.save("tests/helper.lua")
        self.assertEqual(self.client.notifications("livecov/runStarted")[-1]["specs"], [self.uri("tests/m_test.lua")])


class DataFiles(ServerCase):
    extra_files = {
        "data/prices.txt": "3\n",
        "spec/data_spec.lua": 'describe("data", function() it("reads", function()\n'
                              '  local f = assert(io.open("data/prices.txt")); local n = tonumber(f:read("l")); f:close()\n'
                              '  assert.are.equal(3, n) end) end)\n',
    }

    def test_saving_a_read_file_reruns_its_readers(self):
        self.save("data/prices.txt", "4\n")
        started = self.client.notifications("livecov/runStarted")[-1]
        self.assertEqual(started["specs"], [self.uri("spec/data_spec.lua")])
        t = self.last("livecov/tests", self.uri("spec/data_spec.lua"))["tests"]
        self.assertEqual(t[0]["status"], "failure")


class Encodings(ServerCase):
    extra_files = {"src/greet.lua": 'return "h\u00e9llo \U0001F600"\n'}

    def end_char(self):
        d = self.last("textDocument/publishDiagnostics", self.uri("src/greet.lua"))["diagnostics"]
        return d[0]["range"]["end"]

    def test_utf16_by_default(self):
        # 'return "h\u00e9llo \U0001F600"': 14 ASCII, one BMP char, one surrogate pair
        self.assertEqual(self.end_char(), {"line": 0, "character": 17})

    def test_utf8_when_offered(self):
        c = Client([LIVECOV, "lsp"])
        try:
            r = c.initialize(self.root, caps={"general": {"positionEncodings": ["utf-8", "utf-16"]}})
            self.assertEqual(r["result"]["capabilities"]["positionEncoding"], "utf-8")
            c.sync()
            d = [p for p in c.notifications("textDocument/publishDiagnostics")
                 if p["uri"] == self.uri("src/greet.lua")][-1]["diagnostics"]
            self.assertEqual(d[0]["range"]["end"], {"line": 0, "character": 20})
        finally:
            c.shutdown_exit()


class RunOnType(ServerCase):
    options = {"runOnType": True, "debounceMs": 50}

    def test_typing_reruns_with_the_buffer(self):
        c = self.client
        self.open_doc("src/calc.lua", 1)
        # line 4 (0-based 3) "  return a + b" -> "  return a - b", not saved
        c.notify("textDocument/didChange", {
            "textDocument": {"uri": self.uri("src/calc.lua"), "version": 2},
            "contentChanges": [{"range": {"start": {"line": 3, "character": 11},
                                          "end": {"line": 3, "character": 12}}, "text": "-"}]})
        c.sync()
        started = c.notifications("livecov/runStarted")[-1]
        self.assertEqual((started["reason"], started["specs"]), ("change", [self.uri("spec/calc_spec.lua")]))
        t = self.last("livecov/tests", self.uri("spec/calc_spec.lua"))["tests"]
        self.assertEqual(t[0]["status"], "failure")          # 1 - 2 ~= 3
        self.assertIn("return a + b", open(os.path.join(self.root, "src/calc.lua")).read())
        cov = self.last("livecov/coverage", self.uri("src/calc.lua"))
        self.assertEqual((cov["stale"], cov["version"]), (False, 2))
        # typing a new line above: marks shift and turn stale until the rerun
        c.notify("textDocument/didChange", {
            "textDocument": {"uri": self.uri("src/calc.lua"), "version": 3},
            "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                                "text": "-- note\n"}]})
        c.sync()
        cov = self.last("livecov/coverage", self.uri("src/calc.lua"))
        self.assertEqual((cov["stale"], cov["version"], cov["uncovered"]), (False, 3, [15]))

    def test_without_run_on_type_edits_do_not_run(self):
        c = self.client
        c.notify("workspace/didChangeConfiguration", {"settings": {"livecov": {"runOnType": False}}})
        self.open_doc("src/calc.lua", 1)
        n = len(c.notifications("livecov/runStarted"))
        c.notify("textDocument/didChange", {
            "textDocument": {"uri": self.uri("src/calc.lua"), "version": 2},
            "contentChanges": [{"range": {"start": {"line": 3, "character": 11},
                                          "end": {"line": 3, "character": 12}}, "text": "-"}]})
        c.sync()
        self.assertEqual(len(c.notifications("livecov/runStarted")), n)


class Lenses(ServerCase):
    def test_code_lens_per_test(self):
        r = self.client.request("textDocument/codeLens", {"textDocument": {"uri": self.uri("spec/calc_spec.lua")}})
        got = [(l["range"]["start"]["line"], l["command"]["title"].split(" (")[0]) for l in r["result"]]
        self.assertEqual(got, [(3, "\u2713 passed"), (7, "\u2713 passed"), (13, "\u2717 failed"), (17, "\u2717 error")])
        self.assertEqual(r["result"][0]["command"]["command"], "livecov.runFile")


class Untrusted(ServerCase):
    options = {"runTests": False}

    def test_nothing_runs(self):
        self.open_doc("src/calc.lua")
        self.client.sync()
        self.assertEqual(self.client.notifications("livecov/runStarted"), [])
        self.assertEqual(self.client.notifications("livecov/coverage"), [])
        msgs = [p["message"] for p in self.client.notifications("window/showMessage")]
        self.assertTrue(any("not trusted" in m for m in msgs))
        self.assertTrue(self.client.notifications("livecov/summary")[-1]["disabled"])
        self.client.notify("workspace/didChangeConfiguration", {"settings": {"livecov": {"runTests": True}}})
        self.client.sync()
        self.assertEqual(self.client.notifications("livecov/runStarted")[-1]["reason"], "config")


class NeverLoaded(ServerCase):
    """Files no spec loads are published with their executable lines at zero
    hits; the server keeps those lines between merges (lc_results.c) and
    must notice when a file changes."""
    extra_files = {"src/idle.lua": "local M = {}\nM.x = 1\nreturn M\n"}

    def test_module_no_spec_loads_any_more(self):
        self.save("spec/strutil_spec.lua", 'describe("strutil", function() it("is gone", function() end) end)\n')
        cov = self.last("livecov/coverage", self.uri("src/strutil.lua"))
        self.assertEqual((cov["covered"], cov["uncovered"]), ([], [0, 2, 3, 4, 6]))

    def test_edited_on_disk_keeping_size_and_mtime(self):
        path = os.path.join(self.root, "src/idle.lua")
        self.assertEqual(self.last("livecov/coverage", self.uri("src/idle.lua"))["uncovered"], [0, 1, 2])
        # Lines are trusted once the file is older than the cache's margin
        # (2 s, for file systems with coarse clocks): wait, then merge again.
        time.sleep(2.2)
        self.client.request("workspace/executeCommand", {"command": "livecov.runAll"})
        self.client.sync()
        # Same size, same mtime, same inode: only the status-change time moves.
        st = os.stat(path)
        new = "local M = {}\n\n\nreturn M -- xy\n"
        self.assertEqual(len(new), st.st_size)
        with open(path, "w") as f:
            f.write(new)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        self.client.notify("workspace/didChangeWatchedFiles", {"changes": [
            {"uri": self.uri("src/idle.lua"), "type": 2}]})
        self.client.sync()
        cov = self.last("livecov/coverage", self.uri("src/idle.lua"))
        self.assertEqual((cov["covered"], cov["uncovered"]), ([], [0, 3]))


if __name__ == "__main__":
    LIVECOV = os.path.abspath(sys.argv[1])
    unittest.main(argv=[sys.argv[0]] + sys.argv[2:], verbosity=2)
