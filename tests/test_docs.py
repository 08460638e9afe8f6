"""The docs keep up with the code: every hook documented, the backend walkthrough shows the real examples."""

import importlib
import re
import sys
from pathlib import Path

import pytest

from hpcore import hookspecs

DOCS = Path(__file__).parent.parent / "docs"
EXAMPLES = Path(__file__).parent.parent / "examples"
sys.path.insert(0, str(DOCS))
SHOWN = ("pyproject.toml", "tests/test_conformance.py")  # and each example's plugin module


def hook_names():
    return [name for name in dir(hookspecs) if name.startswith("hpcore_") and hasattr(getattr(hookspecs, name), "hpcore_spec")]


def test_the_contract_docs_say_what_the_hook_specs_and_public_names_say():
    """docs/hooks.md and docs/backend-reference.md hold each hook's spec and every public docstring word for word."""
    contract = importlib.import_module("contract")
    for name in ("hooks.md", "backend-reference.md"):
        text = (DOCS / name).read_text()
        assert contract.regenerate(text) == text, f"docs/{name} is out of date: run python docs/contract.py"
    hooks = (DOCS / "hooks.md").read_text()
    assert all(f"<!-- generated: {name} -->" in hooks for name in hook_names())
    assert "<!-- generated: public-names -->" in (DOCS / "backend-reference.md").read_text()


def test_every_hook_spec_has_a_section_in_hooks_md():
    headings = set(re.findall(r"^### `(hpcore_\w+)`", (DOCS / "hooks.md").read_text(), re.M))
    missing = set(hook_names()) - headings
    assert hook_names() and not missing, f"undocumented hooks: {sorted(missing)}"


def test_every_documented_hook_exists():
    headings = set(re.findall(r"^### `(hpcore_\w+)`", (DOCS / "hooks.md").read_text(), re.M))
    assert headings <= set(hook_names())


@pytest.mark.parametrize("example", ["hp_halton", "hp_evolve", "hp_cma"])
def test_writing_a_backend_shows_the_example_files_as_they_are(example):
    text = (DOCS / "writing-a-backend.md").read_text()
    for relative in (f"{example}/plugin.py", *SHOWN):
        source = (EXAMPLES / example / relative).read_text().strip()
        assert source in text, f"docs/writing-a-backend.md is out of date with examples/{example}/{relative}"


def test_every_cited_law_has_its_section():
    """Code, tests and docs cite "docs/laws.md §N" (or "laws §N"): each N is a section of docs/laws.md."""
    root = DOCS.parent
    sections = set(re.findall(r"^## §(\d+) ", (DOCS / "laws.md").read_text(), re.M))
    cited = {}
    for folder in ("hpcore", "plugins", "examples", "tests", "docs"):
        for path in (root / folder).rglob("*"):
            if path.suffix not in (".py", ".md") or not path.is_file():
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                if "laws" in line:
                    for number in re.findall(r"§(\d+)", line):
                        cited.setdefault(number, str(path.relative_to(root)))
    assert cited and sections, (cited, sections)
    missing = {n: where for n, where in cited.items() if n not in sections}
    assert not missing, f"laws cited but not in docs/laws.md: {missing}"


def test_the_backend_reference_names_every_public_name():
    """docs/backend-reference.md says anything not on it is private: so every name of hpcore.__all__ is on it."""
    import hpcore

    text = (DOCS / "backend-reference.md").read_text()
    missing = [name for name in hpcore.__all__ if not re.search(rf"`[^`]*\b{re.escape(name)}\b[^`]*`", text)]
    assert not missing, f"public names missing from docs/backend-reference.md: {missing}"
