"""Every module of the product imports: mypy runs with ignore_missing_imports, so a module path that no longer
exists (after a move) would otherwise only show when the module is first used."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

PACKAGES = ["domain", "application", "infrastructure", "projections", "api", "demo", "simulation"]


def fail(name: str) -> None:
    raise ImportError(f"package {name} does not import")


def modules() -> list[str]:
    found = []
    for name in PACKAGES:
        package = importlib.import_module(name)
        found.append(name)
        found += [info.name for info in pkgutil.walk_packages(package.__path__, f"{name}.", onerror=fail)]
    return found


@pytest.mark.parametrize("module", modules())
def test_module_imports(module: str) -> None:
    importlib.import_module(module)
