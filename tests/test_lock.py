"""The lock files that `make` and the Docker image install from cover pyproject.toml's dependencies, pin each
package with hashes, and pin the runtime's packages alike in both (run `make lock` after changing dependencies)."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+) \\$", re.MULTILINE)


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~;\s]", requirement, maxsplit=1)[0].lower().replace("_", "-").replace(".", "-")


def _pins(file: str) -> dict[str, str]:
    text = (ROOT / file).read_text()
    pins = {_name(name): version for name, version in PIN.findall(text)}
    blocks = re.split(r"\n(?=\S)", text)
    unhashed = [b.split()[0] for b in blocks if "==" in b.split("\n")[0] and "--hash=sha256:" not in b]
    assert not unhashed, f"{file}: pinned without hashes: {unhashed}"
    return pins


def test_the_lock_files_cover_the_dependencies_with_hashes_and_agree() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, test = _pins("requirements.lock"), _pins("requirements-test.lock")
    assert {_name(r) for r in project["dependencies"]} <= set(runtime), "run `make lock`"
    assert {_name(r) for r in project["optional-dependencies"]["test"]} <= set(test), "run `make lock`"
    assert {name: test.get(name) for name in runtime} == runtime
