"""The docs keep up with the code: every hook documented, the backend walkthrough shows the real example."""

import re
from pathlib import Path

from hpcore import hookspecs

DOCS = Path(__file__).parent.parent / "docs"
EXAMPLE = Path(__file__).parent.parent / "examples" / "hp_halton"


def hook_names():
    return [name for name in dir(hookspecs) if name.startswith("hpcore_") and hasattr(getattr(hookspecs, name), "hpcore_spec")]


def test_every_hook_spec_has_a_section_in_hooks_md():
    headings = set(re.findall(r"^### `(hpcore_\w+)`", (DOCS / "hooks.md").read_text(), re.M))
    missing = set(hook_names()) - headings
    assert hook_names() and not missing, f"undocumented hooks: {sorted(missing)}"


def test_every_documented_hook_exists():
    headings = set(re.findall(r"^### `(hpcore_\w+)`", (DOCS / "hooks.md").read_text(), re.M))
    assert headings <= set(hook_names())


def test_writing_a_backend_shows_the_example_files_as_they_are():
    text = (DOCS / "writing-a-backend.md").read_text()
    for relative in ("hp_halton/plugin.py", "pyproject.toml", "tests/test_conformance.py"):
        source = (EXAMPLE / relative).read_text().strip()
        assert source in text, f"docs/writing-a-backend.md is out of date with examples/hp_halton/{relative}"
