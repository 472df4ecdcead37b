"""The dependency direction of conventions.md §1, checked on the source (no imports executed).

``ledger/`` imports only the standard library and ``eventsourcing`` (so never the layers above
it), and neither ``ledger/`` nor ``projections/`` imports ``api`` anywhere, even inside a
function. (The service's entry point starts the API; tests drive it.)
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALLOWED_IN_LEDGER = {"eventsourcing", "ledger", "__future__"}


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports (absolute and relative-resolved)."""
    return imports_of(path.read_text(encoding="utf-8"), path.relative_to(ROOT).parts[0])


def imports_of(source: str, package: str) -> set[str]:
    tree = ast.parse(source)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: inside the same package
                names.add(package)
            elif node.module:
                names.add(node.module.split(".")[0])
    return names


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_ledger_imports_only_the_standard_library_and_eventsourcing():
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name for name in imported_modules(path)
            if name not in ALLOWED_IN_LEDGER and name not in sys.stdlib_module_names
        )
        for path in python_files("ledger")
    }
    assert python_files("ledger"), "ledger/ has no modules"
    assert {k: v for k, v in offenders.items() if v} == {}


def test_nothing_below_the_api_imports_it():
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("ledger", "projections")
        for path in python_files(package)
        if "api" in imported_modules(path)
    ]
    assert offenders == []


def test_the_dependency_check_sees_a_forbidden_import():
    """The checker itself works: imports inside functions and relative imports are seen."""
    source = "def f():\n    import fastapi\n    from api.deps import x\nfrom . import money\n"
    assert imports_of(source, "ledger") == {"fastapi", "api", "ledger"}
