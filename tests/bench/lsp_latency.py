"""Benchmark: save -> publishDiagnostics latency of `livecov lsp`.

Generates a project of N modules and N spec files (6 tests each), starts the
real server, waits for the first full run, then saves one module 30 times
(each save affects exactly one spec file) and measures the time from didSave
to the first publishDiagnostics of that module. In the same run it times
`livecov run` on the whole project, and reports p50/p95 and the ratio.

Options:
  --modules LIST    project sizes, comma-separated (default 50). An item is
                    N (N modules, each loaded by its own spec) or N+U (plus
                    U modules no spec loads, reported with zero hits). The
                    main table is for the first size.
  --baseline BIN    a second server binary (e.g. built before a change),
                    measured in the same run: both servers live side by side
                    on the same project and take turns for every save, so
                    the machine's noise hits both alike. Adds a scaling
                    section with both binaries' p50/p95 at every size, their
                    ratios, and each server's own CPU time per save; checks
                    that both published the same messages for every save.
  --saves K         saves per size (default 30).
  --out FILE        also write the report (Markdown) to FILE.

Usage: python3 tests/bench/lsp_latency.py build/livecov [--modules 50,400]
           [--baseline OTHER_LIVECOV] [--out FILE]
"""
import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lsp"))
from lspclient import Client, path_uri  # noqa: E402

TESTS_PER_SPEC = 6
SAVED = 7          # the module saved by the benchmark (mod007)


def parse_size(item):
    n, _, u = item.partition("+")
    return int(n), int(u or 0)


def size_name(n, u):
    return "%d" % n if not u else "%d+%d" % (n, u)


def write_module(path, nfuncs):
    with open(path, "w") as f:
        f.write("local M = {}\n\n")
        for k in range(nfuncs):
            f.write("function M.f%d(x)\n  local s = 0\n  for i = 1, x do\n"
                    "    if i %% 2 == 0 then s = s + i else s = s - 1 end\n  end\n"
                    "  return s\nend\n\n" % k)
        f.write("return M\n")


def generate(root, nmod, nunloaded):
    os.makedirs(os.path.join(root, "src"))
    os.makedirs(os.path.join(root, "spec"))
    for i in range(nmod):
        write_module(os.path.join(root, "src", "mod%03d.lua" % i), TESTS_PER_SPEC)
        with open(os.path.join(root, "spec", "mod%03d_spec.lua" % i), "w") as f:
            f.write('local M = require("mod%03d")\n\ndescribe("mod%03d", function()\n' % (i, i))
            for k in range(TESTS_PER_SPEC):
                f.write('  it("f%d", function()\n    assert.is_number(M.f%d(%d))\n  end)\n' % (k, k, 10 + k))
            f.write("end)\n")
    for i in range(nunloaded):
        write_module(os.path.join(root, "src", "idle%03d.lua" % i), TESTS_PER_SPEC)
    return os.path.join(root, "src", "mod%03d.lua" % SAVED)


def cpu_ms(pid):
    """CPU time of the process's threads (not of its children), from the
    scheduler's nanosecond counters, else from /proc/PID/stat's clock ticks."""
    try:
        total = 0
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
        return total / 1e6
    except (OSError, ValueError, IndexError):
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")


class Server:
    """One `livecov lsp` on the project, with the saved module open."""

    def __init__(self, binary, root, mod):
        self.client = Client([binary, "lsp"])
        self.uri = path_uri(mod)
        t0 = time.perf_counter()
        self.client.initialize(root, {"debounceMs": 0})
        self.client.request("livecov/sync", {}, timeout=600)   # the first full run
        self.first = (time.perf_counter() - t0) * 1000
        self.client.notify("textDocument/didOpen", {"textDocument": {
            "uri": self.uri, "languageId": "lua", "version": 1, "text": open(mod).read()}})
        self.client.sync()
        self.lat = []
        self.cpu = 0.0
        self.published = []    # per save: the messages that describe files

    def save(self):
        c = self.client
        c.drain()
        mark = len(c.messages)
        before = set(id(m) for m in c.messages)   # a publish may repeat an older one
        cpu0 = cpu_ms(c.proc.pid)
        t0 = time.perf_counter()
        c.notify("textDocument/didSave", {"textDocument": {"uri": self.uri}})
        c.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
               and m["params"]["uri"] == self.uri and id(m) not in before)
        self.lat.append((time.perf_counter() - t0) * 1000)
        c.sync()
        self.cpu += cpu_ms(c.proc.pid) - cpu0
        keep = ("textDocument/publishDiagnostics", "livecov/coverage", "livecov/summary")
        self.published.append([(m["method"], m["params"]) for m in c.messages[mark:]
                               if m.get("method") in keep])

    def close(self):
        self.client.shutdown_exit()


def pct(lat, q):
    s = sorted(lat)
    return s[int(round(q * (len(s) - 1)))]


def measure(binaries, nmod, nunloaded, saves, with_cli):
    """Runs one project size; returns a dict of results per binary."""
    tmp = tempfile.mkdtemp(prefix="livecov-bench-")
    root = os.path.join(tmp, "proj")
    mod = generate(root, nmod, nunloaded)
    text = open(mod).read()
    try:
        full = []
        for _ in range(3 if with_cli else 0):
            t0 = time.perf_counter()
            subprocess.run([binaries[0], "run", "--root", root, "--lpath", "./src/?.lua"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            full.append((time.perf_counter() - t0) * 1000)
        servers = [Server(b, root, mod) for b in binaries]
        for i in range(saves):
            with open(mod, "w") as f:     # a real change: the hit count of one line varies
                f.write(text.replace("for i = 1, x do", "for i = 1, x + %d do" % (i + 1)))
            order = servers if i % 2 == 0 else servers[::-1]
            for s in order:
                s.save()
        for s in servers:
            s.close()
        same = all(s.published == servers[0].published for s in servers)
        return {"full": statistics.median(full) if full else None, "same": same,
                "servers": [{"p50": statistics.median(s.lat), "p95": pct(s.lat, 0.95),
                             "first": s.first, "cpu": s.cpu / saves} for s in servers]}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("livecov")
    ap.add_argument("--modules", default="50")
    ap.add_argument("--baseline")
    ap.add_argument("--saves", type=int, default=30)
    ap.add_argument("--out")
    a = ap.parse_args()
    sizes = [parse_size(x) for x in a.modules.split(",")]
    binaries = [os.path.abspath(a.livecov)] + ([os.path.abspath(a.baseline)] if a.baseline else [])
    load0 = os.getloadavg()
    results = [measure(binaries, n, u, a.saves, k == 0) for k, (n, u) in enumerate(sizes)]
    load1 = os.getloadavg()

    n, u = sizes[0]
    r = results[0]
    me = r["servers"][0]
    report = (
        "## Language server: save -> publishDiagnostics (tests/bench/lsp_latency.py)\n\n"
        "Project: %d modules%s, %d spec files, %d tests; one save affects one spec file; "
        "%d saves, debounce 0.\n\n"
        "| measure | value |\n|---|---|\n"
        "| save -> publish p50 | %.1f ms |\n| save -> publish p95 | %.1f ms |\n"
        "| first full run in the server (initialize -> idle) | %.0f ms |\n"
        "| `livecov run` whole suite (median of 3) | %.0f ms |\n"
        "| whole suite / save p50 | %.1fx |\n"
        % (n, " (+%d no spec loads)" % u if u else "", n, n * TESTS_PER_SPEC, a.saves,
           me["p50"], me["p95"], me["first"], r["full"], r["full"] / me["p50"]))
    if a.baseline:
        report += (
            "\n### Scaling with the project's size\n\n"
            "Both servers ran side by side on each project and took turns for every save "
            "(alternating which went first), so they saw the same load. *new* is `%s`, "
            "*base* is `%s`. Ratios are new / base (below 1: faster). *server CPU* is the "
            "server process's own CPU time per save, from didSave to idle (its threads' "
            "/proc schedstat; workers excluded): the work this benchmark is about.\n\n"
            "| modules | base p50 | new p50 | p50 ratio | base p95 | new p95 | p95 ratio "
            "| base server CPU/save | new server CPU/save | CPU ratio | same messages |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|\n"
            % (a.livecov, a.baseline))
        for (n, u), r in zip(sizes, results):
            new, base = r["servers"]
            report += ("| %s | %.1f ms | %.1f ms | %.2f | %.1f ms | %.1f ms | %.2f "
                       "| %.1f ms | %.1f ms | %.2f | %s |\n"
                       % (size_name(n, u), base["p50"], new["p50"], new["p50"] / base["p50"],
                          base["p95"], new["p95"], new["p95"] / base["p95"],
                          base["cpu"], new["cpu"], new["cpu"] / base["cpu"] if base["cpu"] else 0,
                          "yes" if r["same"] else "NO"))
        report += ("\nFirst full run in the server (initialize -> idle; the servers start one "
                   "after the other, new then base, so not side by side):\n\n"
                   "| modules | base | new | ratio |\n|---|---|---|---|\n")
        for (n, u), r in zip(sizes, results):
            new, base = r["servers"]
            report += ("| %s | %.0f ms | %.0f ms | %.2f |\n"
                       % (size_name(n, u), base["first"], new["first"], new["first"] / base["first"]))
    elif len(sizes) > 1:
        report += ("\n### Scaling with the project's size\n\n"
                   "| modules | p50 | p95 | server CPU/save | first full run |\n|---|---|---|---|---|\n")
        for (n, u), r in zip(sizes, results):
            me = r["servers"][0]
            report += ("| %s | %.1f ms | %.1f ms | %.1f ms | %.0f ms |\n"
                       % (size_name(n, u), me["p50"], me["p95"], me["cpu"], me["first"]))
    if len(sizes) > 1 or a.baseline:
        report += ("\nModules written N+U: N modules with a spec each, plus U modules no spec "
                   "loads (published with zero hits).\n")
    report += ("\nMeasured on %s, load average %.2f %.2f %.2f at the start and %.2f %.2f %.2f "
               "at the end, on %d cores, with `python3 tests/bench/lsp_latency.py %s`.\n"
               % (datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"),
                  *load0, *load1, os.cpu_count(), " ".join(sys.argv[1:])))
    print(report)
    if a.out:
        with open(a.out, "w") as f:
            f.write(report)
    for r in results:
        if not r["same"]:
            sys.exit("the servers published different messages")


if __name__ == "__main__":
    main()
