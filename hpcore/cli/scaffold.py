"""`hpcore new-backend NAME`: a third-party backend package to start from.

Rules: NAME is a lowercase Python identifier; the package is `hp-NAME` (module `hp_NAME`),
written into a new or empty folder only (anything already there is left as it is, and the
command refuses). Installed as it comes, it is listed by `hpcore backends` and passes the
conformance suite; what is the author's to fill in is marked TODO.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from string import Template

from hpcore.errors import InvalidArgument, NotOurs

NAME = re.compile(r"[a-z][a-z0-9_]*")
FILES = {  # template -> where it goes in the package
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "__init__.py.tmpl": "{module}/__init__.py",
    "plugin.py.tmpl": "{module}/plugin.py",
    "test_conformance.py.tmpl": "tests/test_conformance.py",
}


def new_backend(name: str, folder: str | None) -> Path:
    """Write the package for backend `name` into `folder` (default ./hp-NAME); return the folder."""
    if not NAME.fullmatch(name):
        raise InvalidArgument(
            f"a backend name is a lowercase Python identifier (letters, digits, _), such as 'bayes', got {name!r}."
        )
    dist, module = f"hp-{name.replace('_', '-')}", f"hp_{name}"
    root = Path(folder or dist)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise NotOurs(f"{root} already exists and is not an empty folder: give a new folder with --dir.")
    values = {"name": name, "dist": dist, "module": module, "cls": "".join(p.capitalize() for p in name.split("_"))}
    templates = resources.files("hpcore.cli") / "template"
    for template, target in FILES.items():
        path = root / target.format(module=module)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(templates.joinpath(template).read_text()).substitute(values))
    return root
