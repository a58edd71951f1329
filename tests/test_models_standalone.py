"""Each module's models can be used on their own (a script or CLI command importing just one module): the tables
their foreign keys point to are registered by the module itself."""

from __future__ import annotations

import subprocess
import sys

import pytest

MODULES = ["accounts", "regions", "monitoring", "programmes", "outputs", "search"]


@pytest.mark.parametrize("module", MODULES)
def test_models_resolve_alone(module: str) -> None:
    code = (f"import yrdhub.{module}.models\n"
            "from sqlalchemy.orm import configure_mappers\n"
            "from yrdhub.db import Base\n"
            "configure_mappers()\n"
            "print(len(Base.metadata.sorted_tables))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.strip()) > 0
