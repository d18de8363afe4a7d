"""The `culturegap` command: serve, migrate, create-key, demo."""

import argparse
import os
import sys
import uuid

from app.config import get_settings


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    settings = get_settings()
    uvicorn.run("app.main:create_app", factory=True, host=args.host or settings.host, port=args.port or settings.port,
                workers=args.workers or settings.workers, log_level=settings.log_level, proxy_headers=True)


def _migrate(_: argparse.Namespace) -> None:
    from app.migrate import upgrade

    _ensure_sqlite_folder()
    upgrade()
    print("database migrated to the current version")


def _create_key(args: argparse.Namespace) -> None:
    import app.models  # noqa: F401  (every table must be known to resolve foreign keys)
    from app.auth import service
    from app.auth.models import Role
    from app.db import get_sessionmaker

    role = Role(args.role)
    if role is not Role.platform_admin and not args.organisation:
        sys.exit("--organisation is required for organisation keys")
    with get_sessionmaker().begin() as session:
        _, secret = service.create_key(session, role=role, name=args.name,
                                       organisation_id=args.organisation if role is not Role.platform_admin else None)
    print(secret)


def _demo(args: argparse.Namespace) -> None:
    from app.demo import load_demo

    load_demo(only_if_empty=args.if_empty, key_file=args.key_file, base_url=args.base_url)


def _ensure_sqlite_folder() -> None:
    url = get_settings().database_url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        os.makedirs(os.path.dirname(os.path.abspath(url.removeprefix("sqlite:///"))), exist_ok=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="culturegap", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the API server (HOST, PORT, WORKERS from the environment)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    serve.set_defaults(func=_serve)
    sub.add_parser("migrate", help="apply the database migrations").set_defaults(func=_migrate)
    key = sub.add_parser("create-key", help="create an API key and print it (once)")
    key.add_argument("--role", choices=["platform_admin", "org_admin", "analyst"], default="platform_admin")
    key.add_argument("--name", default="created with the CLI")
    key.add_argument("--organisation", type=uuid.UUID, help="organisation id, for organisation keys")
    key.set_defaults(func=_create_key)
    demo = sub.add_parser("demo", help="load a demo organisation with synthetic survey data")
    demo.add_argument("--if-empty", action="store_true", help="only when the database holds no organisation")
    demo.add_argument("--key-file", help="also write the demo's keys to this file (for `make run`)")
    demo.add_argument("--base-url", default="", help="the server's address, to print whole respondent links")
    demo.set_defaults(func=_demo)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
