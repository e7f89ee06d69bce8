"""The layer contract in pyproject.toml, checked on the source: every import, at any depth.

import-linter (`lint-imports` in CI) reads the same contract. This test also catches what it
cannot see: `__import__()` and `importlib.import_module()` hiding an import, and a domain
module reaching for a library outside the standard library and pydantic.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
PACKAGES = CONFIG["root_packages"]
DOMAIN_MAY_USE = {"pydantic", "core", "domain"}  # and the standard library


def _contracts(kind: str) -> list[dict]:
    return [c for c in CONFIG["contracts"] if c["type"] == kind]


def allowed_imports() -> dict[str, set[str]]:
    """Package -> the first-party packages it may import: itself and every layer below it."""
    (layers,) = _contracts("layers")
    rows = [[m.strip() for m in row.replace("|", ":").split(":")] for row in layers["layers"]]
    allowed = {}
    for i, row in enumerate(rows):
        below = {m for lower in rows[i + 1:] for m in lower}
        for module in row:
            allowed[module] = below | {module}
    return allowed


def imports_in(source: str) -> list[tuple[int, str]]:
    """(line, top-level module) for every import in the source, inside functions and
    TYPE_CHECKING blocks too; a call to __import__ or import_module is returned as '__hidden__'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
        elif isinstance(node, ast.Call):
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if name in ("__import__", "import_module"):
                found.append((node.lineno, "__hidden__"))
    return found


def problems(package: str, source: str, where: str) -> list[str]:
    """What breaks the contract in one module of `package` ("app" for app.py)."""
    allowed = allowed_imports()
    banned = {m for c in _contracts("forbidden") if package in c["source_modules"]
              for m in c["forbidden_modules"]}
    out = []
    for line, target in imports_in(source):
        at = f"{where}:{line}"
        if target == "__hidden__":
            out.append(f"{at}: __import__/import_module hides an import; import it plainly")
        elif target == "app":
            out.append(f"{at}: nothing imports app.py (it is the top)")
        elif target in PACKAGES and package != "app" and target not in allowed[package]:
            out.append(f"{at}: {package} may not import {target}")
        elif target in banned:
            out.append(f"{at}: {package} may not import {target}")
        elif (package == "domain" and target not in DOMAIN_MAY_USE
              and target not in sys.stdlib_module_names):
            out.append(f"{at}: domain is pure; {target} is neither stdlib nor pydantic")
    return out


def _modules() -> list[tuple[str, Path]]:
    found = [("app", ROOT / "app.py")]
    for package in PACKAGES:
        found += [(package, p) for p in sorted((ROOT / package).rglob("*.py"))]
    return found


def test_every_module_keeps_the_layer_contract() -> None:
    broken = [problem for package, path in _modules()
              for problem in problems(package, path.read_text(), str(path.relative_to(ROOT)))]
    assert broken == [], "\n".join(broken)


def test_the_contract_covers_every_package() -> None:
    on_disk = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "manifest"}
    assert on_disk <= set(PACKAGES), f"add {on_disk - set(PACKAGES)} to the layers"
    assert set(allowed_imports()) == set(PACKAGES)


def test_the_check_sees_hidden_and_late_imports() -> None:
    late = "def f():\n    from services import meetings\n"
    typing_only = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot import turn\n"
    hidden = "import importlib\nimportlib.import_module('services.meetings')\n"
    assert problems("storage", late, "x") == ["x:2: storage may not import services"]
    assert problems("scheduler", typing_only, "x") == ["x:3: scheduler may not import bot"]
    assert len(problems("cards", hidden, "x")) == 1
    assert problems("domain", "import sqlmodel\n", "x") == ["x:1: domain may not import sqlmodel"]
    assert problems("domain", "import babel\n", "x")
    assert problems("delivery", "from scheduler import store\n", "x")
    assert problems("services", "from storage import db\nfrom domain import rules\n", "x") == []


def _imported_names(path: Path) -> set[str]:
    return {alias.name for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.ImportFrom) for alias in node.names}


def test_the_explicit_lists_are_complete() -> None:
    """With discovery by import_module gone, a new card or table module must be listed."""
    cards = (ROOT / "cards").glob("*.py")
    with_samples = {p.stem for p in cards if "def samples(" in p.read_text()}
    assert with_samples <= _imported_names(ROOT / "cards" / "__init__.py")
    tables = {p.stem for p in (ROOT / "storage").glob("*models.py")}
    assert tables <= _imported_names(ROOT / "storage" / "migrations" / "env.py")
