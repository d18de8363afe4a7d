"""Server CPU of every report's route, warm, in one process: ``python bench/bench_report_cpu.py DATABASE_URL``.

For comparing two versions of the code on the same data: seed once with ``python bench/bench_reports.py --keep``
(it prints the kept database's URL), then run this script once per version, ``--code`` pointing at the other
version's checkout (``git worktree add /tmp/before <commit>``). Each report's route function is called on a fresh
report context, as a request would, and its result serialised through FastAPI's response model (as the server
does, minus HTTP); after one call to fill the caches, the minimum and median CPU time (``time.process_time``) of
``--repeats`` calls are printed. CPU time rather than wall time, so that a busy machine changes the figures less.

``--callgrind`` counts instructions instead, which load does not change at all (needs Debian's ``valgrind``
package: ``valgrind`` and ``callgrind_control``). Each report then runs in its own process under
``valgrind --tool=callgrind --instr-atstart=no``; after two warm calls (a call right after a single warm one
still counted 70 % more on response rates) the instrumentation is switched on with ``callgrind_control -i on PID``
only around the ``--repeats`` calls (3 by default here) and off again, and the instructions collected are printed
in millions per call. About a minute per report on PostgreSQL; ``--only
response-rates`` (repeatable) limits the run to the reports of that route.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

REPORTS: list[tuple[str, dict[str, str]]] = [
    ("profile", {}), ("breakdown", {"by": "unit", "level": "teams"}), ("breakdown", {"by": "layer"}),
    ("breakdown", {"by": "unit_layer", "level": "children"}), ("heatmap", {"level": "teams"}),
    ("perception-gaps", {}), ("team-gaps", {"level": "teams"}), ("desired-gap", {"by": "layer"}),
    ("agreement", {"level": "teams"}), ("trend", {}), ("readiness", {}), ("response-rates", {"level": "teams"}),
    ("data-quality", {}),
]


def label(path: str, params: dict[str, str]) -> str:
    return " ".join([path, *(f"{k}={v}" for k, v in params.items())])


def report_calls(database_url: str, code: Path, wanted: list[int]) -> Iterator[tuple[str, Callable[[], None]]]:
    """(label, one warm-able call) for each report of REPORTS at the indices ``wanted``, on ``code``'s app/."""
    sys.path.insert(0, str(code.resolve()))
    os.environ["DATABASE_URL"] = database_url

    from fastapi.routing import serialize_response
    from fastapi.utils import create_model_field
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    import app.models  # noqa: F401  (every table known to the ORM)
    from app.orgs.models import Organisation
    from app.reports import context as report_context
    from app.reports.router import router as report_router
    from app.surveys.models import Survey
    from app.units.tree import load_tree

    def leaves(routes: list[Any]) -> list[Any]:
        return [leaf for r in routes for leaf in (leaves(r.original_router.routes) if hasattr(r, "original_router")
                                                  else [r] if hasattr(r, "endpoint") else [])]

    routes = {r.path.rsplit("/", 1)[-1]: r for r in leaves(list(report_router.routes))}
    with Session(create_engine(database_url)) as session:
        waves = session.scalars(select(Survey).order_by(Survey.created_at.desc())).all()
        survey, earlier = waves[0], waves[1]
        org = session.get_one(Organisation, survey.organisation_id)
        tree = load_tree(session, org.id)
        for path, params in (REPORTS[i] for i in wanted):
            route = routes[path]
            field = create_model_field(name="body", type_=route.response_model, mode="serialization")
            accepted = inspect.signature(route.endpoint).parameters
            kwargs: dict[str, Any] = {k: v for k, v in params.items() if k in accepted}
            if path == "trend":
                kwargs["surveys"] = str(earlier.id)
            if "session" in accepted:
                kwargs["session"] = session
            if "out" in accepted:  # the export option, where the route has one: JSON
                from app.exports.options import export_options
                kwargs["out"] = export_options()

            def once(route: Any = route, field: Any = field, kwargs: dict[str, Any] = kwargs) -> None:
                ctx = report_context.build_context(session, org, survey, tree, None)
                result = route.endpoint(ctx=ctx, **kwargs)
                asyncio.run(serialize_response(field=field, response_content=result, is_coroutine=False))

            yield label(path, params), once


def wait_for(path: Path, present: bool = True) -> None:
    """Poll (not block): callgrind handles ``callgrind_control`` only while the program runs, not in a syscall."""
    while path.exists() != present:
        time.sleep(0.1)


def callgrind_child(args: argparse.Namespace) -> None:
    """Under valgrind: two warm calls, then the counted calls between the parent's ``-i on`` and ``-i off``."""
    tmp = Path(args.callgrind_child)
    for _, once in report_calls(args.database_url, args.code, [args.index]):
        once()
        once()
        (tmp / "ready").write_text(str(os.getpid()))
        wait_for(tmp / "go")
        for _ in range(args.repeats):
            once()
        (tmp / "done").touch()
        wait_for(tmp / "go", present=False)


def callgrind_one(args: argparse.Namespace, index: int) -> float:
    """Millions of instructions per call of REPORTS[index], counted in a child under callgrind."""
    with tempfile.TemporaryDirectory(prefix="callgrind-") as name:
        tmp = Path(name)
        cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={tmp / 'callgrind.out'}",
               sys.executable, __file__, args.database_url, "--code", str(args.code), "--repeats", str(args.repeats),
               "--index", str(index), "--callgrind-child", str(tmp)]
        with open(tmp / "log", "w") as log:
            child = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
            try:
                while not (tmp / "ready").exists():
                    if child.poll() is not None:
                        sys.exit(f"the child under valgrind failed:\n{(tmp / 'log').read_text()[-3000:]}")
                    time.sleep(0.2)
                pid = (tmp / "ready").read_text()
                subprocess.run(["callgrind_control", "-i", "on", pid], check=True, capture_output=True)
                (tmp / "go").touch()
                wait_for(tmp / "done")
                subprocess.run(["callgrind_control", "-i", "off", pid], check=True, capture_output=True)
                (tmp / "go").unlink()
                if child.wait() != 0:
                    sys.exit(f"the child under valgrind failed:\n{(tmp / 'log').read_text()[-3000:]}")
            finally:
                if child.poll() is None:
                    child.kill()
        totals = [line for line in (tmp / "callgrind.out").read_text().splitlines() if line.startswith("totals:")]
        return int(totals[0].split()[1]) / args.repeats / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("database_url", help="a database seeded by bench_reports.py --keep")
    ap.add_argument("--code", type=Path, default=ROOT, help="the checkout whose app/ is measured (default: this one)")
    ap.add_argument("--repeats", type=int, help="calls counted per report (default 7, with --callgrind 3)")
    ap.add_argument("--callgrind", action="store_true",
                    help="count instructions under valgrind's callgrind instead of CPU time (see above)")
    ap.add_argument("--only", action="append", metavar="ROUTE",
                    help="only the reports of this route, e.g. response-rates (repeatable)")
    ap.add_argument("--index", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--callgrind-child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.code = args.code.resolve()
    args.repeats = max(1, args.repeats or (3 if args.callgrind else 7))
    if args.callgrind_child:
        callgrind_child(args)
        return
    wanted = [i for i, (path, _) in enumerate(REPORTS) if not args.only or path in args.only]
    if not wanted:
        sys.exit(f"no report among {sorted({path for path, _ in REPORTS})} matches --only {args.only}")
    print(f"code: {args.code}")
    if args.callgrind:
        for i in wanted:
            print(f"{label(*REPORTS[i]):42} {callgrind_one(args, i):8.1f} M instructions per call "
                  f"({args.repeats} calls)", flush=True)
        return
    for name, once in report_calls(args.database_url, args.code, wanted):
        once()
        times = []
        for _ in range(args.repeats):
            t0 = time.process_time()
            once()
            times.append(time.process_time() - t0)
        print(f"{name:42} min {min(times):.4f} s  median {statistics.median(times):.4f} s")


if __name__ == "__main__":
    main()
