"""app.stats is pure: importing it pulls in nothing from the web or database layers (nor other app packages)."""

import json
import subprocess
import sys

FORBIDDEN = ("fastapi", "sqlalchemy", "starlette", "pydantic", "pydantic_settings", "alembic", "uvicorn", "httpx",
             "psycopg", "pandas", "pingouin", "statsmodels")


def test_importing_app_stats_loads_only_numpy_and_scipy() -> None:
    code = "import json, sys, app.stats; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    modules = json.loads(out)
    bad = [m for m in modules if m.split(".")[0] in FORBIDDEN]
    assert not bad, f"app.stats imported {bad}"
    app_modules = [m for m in modules if m == "app" or m.startswith("app.")]
    assert all(m in ("app", "app.stats") or m.startswith("app.stats.") for m in app_modules), app_modules
    assert "numpy" in modules and "scipy" in modules
