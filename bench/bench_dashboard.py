"""Time from "Show the dashboard" to the last panel drawn, on the laptop view, in Debian's Chromium.

    python bench/bench_dashboard.py http://127.0.0.1:8000 <admin key> [runs] [server pid] [--requests FILE]

Against a running service with the demo loaded (`make run`). Prints each run and the median; issue 15 asks for all
panels of the demo in under 1 s. On a shared machine the wall time says more about the other processes than about
the dashboard, so each run also gives the CPU it cost: the renderer's main-thread task time (Chromium's
`Performance.getMetrics` `TaskDuration`: parsing, script, style, layout, paint) and, with the server's pid (its
workers included), the service's CPU seconds; with the load average at the start. ``--requests FILE`` writes the
API paths one load asked for, one a line, for ``bench/bench_dashboard_server.py`` (the server's side of a load in
one process, without the browser)."""

import os
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

WAIT = ("document.querySelectorAll('.panel-loading').length + "
        "document.querySelectorAll('.panel-body[aria-busy=true]').length")
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU of a process and its children (the uvicorn workers), from /proc."""
    if pid is None:
        return 0.0
    pids = [pid] + [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    total = 0
    for p in pids:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def main() -> None:
    args = sys.argv[1:]
    record = None
    if "--requests" in args:
        at = args.index("--requests")
        record = Path(args[at + 1])
        del args[at:at + 2]
    base, key = args[0], args[1]
    runs = int(args[2]) if len(args) > 2 else 5
    server = int(args[3]) if len(args) > 3 else None
    asked: list[str] = []
    times, renderer, service = [], [], []
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for _ in range(runs):
            context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            if record is not None and not asked:
                page.on("request", lambda r: asked.append(r.url.removeprefix(base)) if "/api/" in r.url else None)
            page.goto("/dashboard?key")
            page.fill("#key-input", key)
            task0 = _task(cdp)
            cpu0 = cpu_seconds(server)
            start = time.perf_counter()
            page.click("#sign-in")
            page.wait_for_selector("#view-dashboard:not([hidden])")
            page.wait_for_selector(".panel-body")
            while page.evaluate(WAIT):
                page.wait_for_timeout(10)
            times.append(time.perf_counter() - start)
            renderer.append(_task(cdp) - task0)
            service.append(cpu_seconds(server) - cpu0)
            context.close()
        browser.close()
    if record is not None:
        record.write_text("".join(f"{path}\n" for path in asked))
    print("wall:", " ".join(f"{t:.2f}" for t in times), f"median {statistics.median(times):.2f} s")
    print("renderer CPU:", " ".join(f"{t:.2f}" for t in renderer), f"median {statistics.median(renderer):.2f} s")
    if server is not None:
        print("server CPU:", " ".join(f"{t:.2f}" for t in service), f"median {statistics.median(service):.2f} s")


def _task(cdp: object) -> float:
    metrics = cdp.send("Performance.getMetrics")["metrics"]  # type: ignore[attr-defined]
    return float(next(m["value"] for m in metrics if m["name"] == "TaskDuration"))


if __name__ == "__main__":
    main()
