"""Benchmark: save -> publishDiagnostics latency of `livecov lsp`.

Generates a project of 50 modules and 50 spec files (a few hundred tests),
starts the real server, waits for the first full run, then saves one module
30 times (each save affects exactly one spec file) and measures the time from
didSave to the first publishDiagnostics of that module. In the same run it
times `livecov run` on the whole project, and reports p50/p95 and the ratio.

Usage: python3 tests/bench/lsp_latency.py build/livecov [--out FILE]
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lsp"))
from lspclient import Client, path_uri  # noqa: E402

NMOD = 50
TESTS_PER_SPEC = 6


def generate(root):
    os.makedirs(os.path.join(root, "src"))
    os.makedirs(os.path.join(root, "spec"))
    for i in range(NMOD):
        with open(os.path.join(root, "src", "mod%02d.lua" % i), "w") as f:
            f.write("local M = {}\n\n")
            for k in range(TESTS_PER_SPEC):
                f.write("function M.f%d(x)\n  local s = 0\n  for i = 1, x do\n"
                        "    if i %% 2 == 0 then s = s + i else s = s - 1 end\n  end\n"
                        "  return s\nend\n\n" % k)
            f.write("return M\n")
        with open(os.path.join(root, "spec", "mod%02d_spec.lua" % i), "w") as f:
            f.write('local M = require("mod%02d")\n\ndescribe("mod%02d", function()\n' % (i, i))
            for k in range(TESTS_PER_SPEC):
                f.write('  it("f%d", function()\n    assert.is_number(M.f%d(%d))\n  end)\n' % (k, k, 10 + k))
            f.write("end)\n")


def main():
    livecov = os.path.abspath(sys.argv[1])
    out = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else None
    tmp = tempfile.mkdtemp(prefix="livecov-bench-")
    root = os.path.join(tmp, "proj")
    generate(root)
    try:
        # whole suite with the CLI, 3 times, median
        full = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run([livecov, "run", "--root", root, "--lpath", "./src/?.lua"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            full.append((time.perf_counter() - t0) * 1000)
        c = Client([livecov, "lsp"])
        t0 = time.perf_counter()
        c.initialize(root, {"debounceMs": 0})
        c.sync()
        first = (time.perf_counter() - t0) * 1000
        mod = os.path.join(root, "src", "mod07.lua")
        uri = path_uri(mod)
        text = open(mod).read()
        c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "lua",
                                                          "version": 1, "text": text}})
        c.sync()
        lat = []
        for i in range(30):
            c.drain()
            seen = len([m for m in c.messages if m.get("method") == "textDocument/publishDiagnostics"])
            with open(mod, "w") as f:     # a real change: the hit count of one line varies
                f.write(text.replace("for i = 1, x do", "for i = 1, x + %d do" % (i + 1)))
            t0 = time.perf_counter()
            c.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
            c.wait(lambda m, seen=seen: m.get("method") == "textDocument/publishDiagnostics"
                   and m["params"]["uri"] == uri
                   and len([x for x in c.messages if x.get("method") == "textDocument/publishDiagnostics"]) > seen)
            lat.append((time.perf_counter() - t0) * 1000)
            c.sync()
        c.shutdown_exit()
        lat.sort()
        p50 = statistics.median(lat)
        p95 = lat[int(round(0.95 * (len(lat) - 1)))]
        fullmed = statistics.median(full)
        ntests = NMOD * TESTS_PER_SPEC
        report = (
            "## Language server: save -> publishDiagnostics (tests/bench/lsp_latency.py)\n\n"
            "Project: %d modules, %d spec files, %d tests; one save affects one spec file; "
            "30 saves, debounce 0.\n\n"
            "| measure | value |\n|---|---|\n"
            "| save -> publish p50 | %.1f ms |\n| save -> publish p95 | %.1f ms |\n"
            "| first full run in the server (initialize -> idle) | %.0f ms |\n"
            "| `livecov run` whole suite (median of 3) | %.0f ms |\n"
            "| whole suite / save p50 | %.1fx |\n"
            % (NMOD, NMOD, ntests, p50, p95, first, fullmed, fullmed / p50))
        print(report)
        if out:
            with open(out, "w") as f:
                f.write(report)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
