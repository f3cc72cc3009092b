"""constraints.txt pins every dependency, at the version this suite runs with."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[_norm(name)] = version
    return pins


def _requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    return [_norm(re.split(r"[\[<>=!~; ]", req, maxsplit=1)[0]) for req in wanted]


def test_every_dependency_is_pinned_at_the_installed_version() -> None:
    pins = _pins()
    for name in _requirements():
        assert name in pins, f"{name} is not in constraints.txt: run scripts/lock.sh"
        assert metadata.version(name) == pins[name], (
            f"{name} {metadata.version(name)} is installed but constraints.txt pins "
            f"{pins[name]}: run scripts/lock.sh (or reinstall with -c constraints.txt)"
        )
