"""Packages import downward only. `core` is the base; `auth` (users, roles, sign-in) sits on
it below every feature, schools included; the partner directory stands below events and
agreements, which do not import each other; `indicators` reads the features and `reports`
reads the indicators. No feature package reaches back up: the import graph between them has
no cycle, counting imports inside functions too. Imports under `if TYPE_CHECKING:` are left
out: they name a type for the checker and are never run."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "proforient"
# The base every package uses; its access checks and demo command name auth's roles and users.
BASE = {"core"}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for inner in ast.walk(node))
    return skipped


def imported_packages(package: str) -> set[str]:
    """The `proforient.<name>` packages that any module of `package` imports, at the top of
    a module or inside a function."""
    found = set()
    for path in (PACKAGE / package).rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        skipped = _type_checking_nodes(tree)
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
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
    # Modules at the top (extensions, config) are not packages.
    found = {name for name in found if (PACKAGE / name / "__init__.py").exists()}
    return found - {package}


def feature_packages() -> list[str]:
    return sorted(
        p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists() and p.name not in BASE
    )


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


def test_auth_stands_below_the_features():
    """Auth names the schools' table but imports no feature; schools import auth."""
    assert imported_packages("auth") <= BASE
    assert "auth" in imported_packages("schools")


def test_no_cycle_between_feature_packages():
    features = feature_packages()
    graph = {p: imported_packages(p) & set(features) for p in features}
    cycles = []

    def visit(package: str, path: list[str]) -> None:
        for target in sorted(graph[package]):
            if target == path[0]:
                cycles.append(" → ".join([*path, target]))
            elif target not in path and target > path[0]:
                visit(target, [*path, target])

    for package in features:
        visit(package, [package])
    assert cycles == []
