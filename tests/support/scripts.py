"""The project's scripts/ (not a package), imported as modules."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.conftest import PROJECT_ROOT

SCRIPTS = PROJECT_ROOT / "scripts"


def load_script(name: str) -> ModuleType:
    """Import scripts/<name>.py as the module `name`."""
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module
