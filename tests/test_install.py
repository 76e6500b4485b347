"""Reproducible installs: the lock files cover pyproject.toml with hashes, and the venv
check of `make run` says what to install when Python is too old or venv is missing."""

import re
import subprocess
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)")


def locked(name: str) -> dict[str, str]:
    """{package: version} of a lock file, after checking every pin carries its hashes."""
    pins = {}
    text = (ROOT / "requirements" / name).read_text()
    for block in re.split(r"\n(?=\S)", text):
        match = PIN.match(block)
        if match:
            assert "--hash=sha256:" in block, f"{name}: {match.group(1)} has no hash"
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def declared() -> tuple[list[Requirement], list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    build = [
        Requirement(line)
        for line in (ROOT / "requirements" / "build.in").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    runtime = [Requirement(r) for r in project["dependencies"]] + build
    dev = [Requirement(r) for r in project["optional-dependencies"]["dev"]]
    return runtime, dev


def test_lock_files_pin_every_declared_dependency_with_hashes():
    runtime, dev = declared()
    main, full = locked("main.txt"), locked("dev.txt")
    stale = []
    for lock, name, requirements in (
        (main, "main.txt", runtime),
        (full, "dev.txt", runtime + dev),
    ):
        for req in requirements:
            version = lock.get(canonicalize_name(req.name))
            if version is None or not req.specifier.contains(version, prereleases=True):
                stale.append(f"{name}: {req} (locked: {version})")
    assert not stale, "pyproject.toml changed without `make lock`: " + ", ".join(stale)
    # The runtime part of the dev install is exactly what production installs.
    assert {name: full[name] for name in main} == main


def fake_python(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "python3"
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def make_venv(python: Path, venv: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / "make-venv.sh"), str(python), str(venv)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_venv_refuses_an_old_python(tmp_path):
    # Answers the version check as Python 3.9 would.
    python = fake_python(
        tmp_path,
        'case "$2" in *raise*) exit 1;; *) echo 3.9.2;; esac\n',
    )
    result = make_venv(python, tmp_path / "venv")
    assert result.returncode == 1
    assert "needs Python 3.11 or newer" in result.stderr
    assert "3.9.2" in result.stderr
    assert not (tmp_path / "venv").exists()


def test_make_venv_names_the_debian_package_when_venv_is_missing(tmp_path):
    # A Python new enough whose venv module fails, as Debian's does without python3-venv
    # (it leaves a half-made folder behind).
    python = fake_python(
        tmp_path,
        'case "$*" in\n'
        '  *"-m venv"*) mkdir -p "$3/bin"; echo "ensurepip is not available" >&2; exit 1;;\n'
        '  *"%d.%d"*) echo 3.11;;\n'
        "  *) exit 0;;\n"
        "esac\n",
    )
    result = make_venv(python, tmp_path / "venv")
    assert result.returncode == 1
    assert "sudo apt-get install python3-venv" in result.stderr
    assert "python3.11-venv" in result.stderr
    assert not (tmp_path / "venv").exists()


def test_make_venv_without_python(tmp_path):
    result = make_venv(tmp_path / "no-such-python3", tmp_path / "venv")
    assert result.returncode == 1
    assert "apt-get install python3 python3-venv" in result.stderr
