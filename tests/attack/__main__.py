"""`python -m tests.attack --orgs 30`: the attacker on many random organisations, every variant read, breach
counts by class (on a new SQLite database, or PostgreSQL when TEST_DATABASE_URL names a server)."""

import argparse
import sys
import time
from collections import Counter

from tests.attack.harness import running_service
from tests.attack.run import attack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.attack", description=__doc__)
    parser.add_argument("--orgs", type=int, default=10, help="random organisations (default 10)")
    parser.add_argument("--seed", type=int, default=1000, help="seed of the first organisation")
    parser.add_argument("--sample", action="store_true", help="read a sample of the variants, as the suite does")
    parser.add_argument("--show", type=int, default=3, help="breaches to print per class (default 3)")
    parser.add_argument("--comments-at-threshold", action="store_true",
                        help="search the comment figures for groups below their own threshold T, not below k")
    parser.add_argument("--mixed-scales", action="store_true",
                        help="organisations on a questionnaire whose dimensions have scales of their own")
    args = parser.parse_args(argv)
    started = time.process_time()
    classes: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    totals: Counter[str] = Counter()
    with running_service("attack_cli") as service:
        for seed in range(args.seed, args.seed + args.orgs):
            result = attack(service.platform, service.base_url, service.http, seed, thorough=not args.sample,
                            comments_at_threshold=args.comments_at_threshold, mixed_scales=args.mixed_scales)
            classes.update(result.by_class())
            totals.update(requests=result.requests, observations=result.observations, rows=result.rows,
                          respondents=result.respondents, unmatched=len(result.unmatched),
                          csv_only=len(result.csv_only))
            for b in result.breaches:
                examples.setdefault(b.klass, [])
                if len(examples[b.klass]) < args.show:
                    examples[b.klass].append(f"  seed {seed}, k {result.k}, {b.space} {b.target}: {b.detail}")
            print(f"seed {seed}: k {result.k}, {result.respondents} responses, {result.requests} requests, "
                  f"{result.observations} observations, {result.rows} equations, breaches "
                  f"{dict(result.by_class()) or 0}, unplaced figures {len(result.unmatched)}", flush=True)
    print(f"\n{args.orgs} organisations, {totals['respondents']} responses, {totals['requests']} requests, "
          f"{totals['observations']} observations, {totals['rows']} distinct equations, "
          f"{totals['unmatched']} figures not placed, {totals['csv_only']} CSV-only numbers, "
          f"{time.process_time() - started:.0f} s CPU")
    print("breaches by class:", dict(classes) if classes else "none")
    for klass, lines in examples.items():
        print(f"{klass}:")
        print("\n".join(lines))
    return 1 if classes else 0


if __name__ == "__main__":
    sys.exit(main())
