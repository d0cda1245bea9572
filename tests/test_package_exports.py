"""Every package's ``__all__`` names resolve (they are imported lazily, so a name that moved
would otherwise fail only when first used), and importing a package stays light."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

PACKAGES = ["hydrawatch.verification", "hydrawatch.scoring", "hydrawatch.linking",
            "hydrawatch.store", "hydrawatch.ingest"]


@pytest.mark.parametrize("name", PACKAGES)
def test_every_exported_name_resolves(name):
    package = importlib.import_module(name)
    assert len(package.__all__) == len(set(package.__all__))
    missing = [n for n in package.__all__ if not hasattr(package, n)]
    assert not missing, f"{name}.__all__ names that do not resolve: {missing}"
    assert set(package.__all__) <= set(dir(package))


def test_importing_the_packages_pulls_no_numeric_stack():
    code = ("import sys, " + ", ".join(PACKAGES) + "; "
            "print(sorted(m for m in ('numpy', 'scipy', 'sklearn', 'faiss') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
