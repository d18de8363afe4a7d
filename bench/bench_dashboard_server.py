"""The server's side of one dashboard load, in one process: ``python bench/bench_dashboard_server.py DATABASE_URL
KEY REQUESTS [--code CHECKOUT] [--repeats N] [--profile]``.

``REQUESTS`` is the list of API paths one load asks for, written by ``bench/bench_dashboard.py ... --requests FILE``
(the demo's, or any organisation's). Each path is sent through the app in this process (httpx's ASGI transport,
FastAPI and the database as served, minus the socket), after two whole loads to fill the caches; prints the CPU time
(``time.process_time``) of each path, the minimum of ``--repeats`` loads, and of whole loads. anyio's hops to its
thread pool run inline, so one thread does all the work and ``--profile`` sees every request's work (cProfile: the
40 costliest functions of ``app/`` by cumulative time; the whole dump in the temporary folder's
``dashboard.prof``). The browser's side is ``bench_dashboard.py``'s renderer CPU."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


async def _inline(func: Any, *args: Any, **_: Any) -> Any:
    return func(*args)


async def measure(args: argparse.Namespace, paths: list[str]) -> None:
    import anyio.to_thread
    import httpx

    anyio.to_thread.run_sync = _inline  # type: ignore[assignment]
    from app.main import create_app

    app = create_app()
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench",
            headers={"Authorization": f"Bearer {args.key}"}) as client:

        async def load(times: dict[str, list[float]] | None = None) -> None:
            for path in paths:
                t0 = time.process_time()
                answer = await client.get(path)
                if answer.status_code != 200:
                    sys.exit(f"{path}: {answer.status_code} {answer.text[:200]}")
                if times is not None:
                    times.setdefault(path, []).append(time.process_time() - t0)

        await load()
        await load()
        times: dict[str, list[float]] = {}
        whole = []
        for _ in range(args.repeats):
            t0 = time.process_time()
            await load(times)
            whole.append(time.process_time() - t0)
        for path, spent in sorted(times.items(), key=lambda item: -min(item[1])):
            print(f"{min(spent) * 1000:8.1f} ms  {path}")
        print(f"sum of the minima {sum(min(s) for s in times.values()):.3f} s; whole loads: min {min(whole):.3f} s, "
              f"{' '.join(f'{w:.3f}' for w in whole)}")
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            await load()
            profile.disable()
            dump = Path(tempfile.gettempdir()) / "dashboard.prof"
            profile.dump_stats(dump)
            print(f"profile of one load: {dump}")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(f"{os.sep}app{os.sep}", 40)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("database_url")
    ap.add_argument("key", help="an API key that may read the organisation (the demo's admin key)")
    ap.add_argument("requests", type=Path, help="API paths of one load, from bench_dashboard.py --requests")
    ap.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[1],
                    help="the checkout whose app/ is measured (default: this one)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    os.environ["DATABASE_URL"] = args.database_url
    paths = [line.strip() for line in args.requests.read_text().splitlines() if line.strip()]
    print(f"code: {args.code.resolve()}, {len(paths)} requests")
    asyncio.run(measure(args, paths))


if __name__ == "__main__":
    main()
