"""Server CPU of every report's route, warm, in one process: ``python bench/bench_report_cpu.py DATABASE_URL``.

For comparing two versions of the code on the same data: seed once with ``python bench/bench_reports.py --keep``
(it prints the kept database's URL), then run this script once per version, ``--code`` pointing at the other
version's checkout (``git worktree add /tmp/before <commit>``). Each report's route function is called on a fresh
report context, as a request would, and its result serialised through FastAPI's response model (as the server
does, minus HTTP); after one call to fill the caches, the minimum and median CPU time (``time.process_time``) of
``--repeats`` calls are printed. CPU time rather than wall time, so that a busy machine changes the figures less.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import statistics
import sys
import time
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("database_url", help="a database seeded by bench_reports.py --keep")
    ap.add_argument("--code", type=Path, default=ROOT, help="the checkout whose app/ is measured (default: this one)")
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    os.environ["DATABASE_URL"] = args.database_url

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
    print(f"code: {args.code.resolve()}")
    with Session(create_engine(args.database_url)) as session:
        waves = session.scalars(select(Survey).order_by(Survey.created_at.desc())).all()
        survey, earlier = waves[0], waves[1]
        org = session.get_one(Organisation, survey.organisation_id)
        tree = load_tree(session, org.id)
        for path, params in REPORTS:
            route = routes[path]
            field = create_model_field(name="body", type_=route.response_model, mode="serialization")
            wanted = inspect.signature(route.endpoint).parameters
            kwargs: dict[str, Any] = {k: v for k, v in params.items() if k in wanted}
            if path == "trend":
                kwargs["surveys"] = str(earlier.id)
            if "session" in wanted:
                kwargs["session"] = session
            if "out" in wanted:  # the export option, where the route has one: JSON
                from app.exports.options import export_options
                kwargs["out"] = export_options()

            def once(route: Any = route, field: Any = field, kwargs: dict[str, Any] = kwargs) -> None:
                ctx = report_context.build_context(session, org, survey, tree, None)
                result = route.endpoint(ctx=ctx, **kwargs)
                asyncio.run(serialize_response(field=field, response_content=result, is_coroutine=False))

            once()
            times = []
            for _ in range(max(1, args.repeats)):
                t0 = time.process_time()
                once()
                times.append(time.process_time() - t0)
            label = " ".join([path, *(f"{k}={v}" for k, v in params.items())])
            print(f"{label:42} min {min(times):.4f} s  median {statistics.median(times):.4f} s")


if __name__ == "__main__":
    main()
