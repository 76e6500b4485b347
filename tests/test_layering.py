"""The partner directory stands below the features that name partners: events and
agreements both import it, neither imports the other, and it imports neither of them (nor
the plan, which links its executions to events)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "proforient"


def imported_packages(package: str) -> set[str]:
    """The `proforient.<name>` packages that any module of `package` imports."""
    found = set()
    for path in (PACKAGE / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "proforient" and len(parts) > 1:
                    found.add(parts[1])
    return found - {package}


@pytest.mark.parametrize(
    ("package", "never"),
    [
        ("partners", {"events", "agreements", "plan"}),
        ("events", {"agreements", "plan"}),
        ("agreements", {"events", "plan"}),
    ],
)
def test_packages_import_downward_only(package, never):
    assert imported_packages(package) & never == set()


def test_both_features_use_the_directory():
    assert "partners" in imported_packages("events")
    assert "partners" in imported_packages("agreements")
