"""Writes the parts of docs/hooks.md and docs/backend-reference.md that the code states, so the
contract has one source: each hook's signature and rules (hpcore/hookspecs.py), and every public
name with the first line of its docstring (hpcore.__all__).

    python docs/contract.py          rewrite both files' generated parts
    python docs/contract.py --check  exit 1, naming each file, when a generated part has drifted

A generated part sits between ``<!-- generated: KEY -->`` and ``<!-- end generated -->``; the
text around it is written by hand.
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

import hpcore
from hpcore import hookspecs

DOCS = Path(__file__).parent
_PART = re.compile(r"(<!-- generated: (\S+) -->\n)(.*?)(<!-- end generated -->)", re.S)


def hook_names() -> list[str]:
    """Every hook spec, in the order hookspecs.py declares them."""
    return [n for n in vars(hookspecs) if n.startswith("hpcore_") and hasattr(getattr(hookspecs, n), "hpcore_spec")]


def render_hook(name: str) -> str:
    """A hook's section: who implements it, how it is called, its signature and its rules."""
    spec = getattr(hookspecs, name)
    parameters = ", ".join(inspect.signature(spec).parameters)
    returns = inspect.signature(spec).return_annotation
    kind = "firstresult: the first answer that is not None is taken" if spec.hpcore_spec.get("firstresult") else "broadcast: every implementation is called"
    who = (
        "the chosen backend" if name in hookspecs.BACKEND_HOOKS
        else "observers, plugin modules and backends; never as a wrapper" if name in hookspecs.OBSERVER_HOOKS
        else "selection plugins (plugin modules, observers); never backends" if name == "hpcore_select_best"
        else "plugin modules"
    )
    return f"`{name}({parameters}) -> {returns}` — {kind}; implemented by {who}.\n\n{inspect.getdoc(spec)}\n"


VALUES = {  # public names that are values, not documented functions or classes
    "__version__": "the version of the installed hpcore",
    "hookimpl": "the decorator of every hook implementation (pluggy's marker for the project `hpcore`)",
    "INTERRUPTED": "the error text of a trial an interrupt ended",
    "ComputeObjective": "the type of `compute_objective`: a function of the metrics dict",
    "EXHAUSTED": "what `hpcore_ask` answers when a finite backend has no trial left (of type `Exhausted`)",
}


def render_names() -> str:
    """A table of every public name: where it comes from and the first line of its docstring."""
    rows = ["| name | what it is |", "|---|---|"]
    for name in sorted(hpcore.__all__, key=str.lower):
        first = VALUES.get(name) or inspect.getdoc(getattr(hpcore, name)).split("\n\n")[0].replace("\n", " ")
        first = first.replace("|", "\\|")
        rows.append(f"| `{name}` | {first} |")
    return "\n".join(rows) + "\n"


def render(key: str) -> str:
    return render_names() if key == "public-names" else render_hook(key)


def regenerate(text: str) -> str:
    return _PART.sub(lambda m: m.group(1) + render(m.group(2)) + m.group(4), text)


def main(argv: list[str]) -> int:
    drifted = []
    for path in (DOCS / "hooks.md", DOCS / "backend-reference.md"):
        text = path.read_text()
        new = regenerate(text)
        if new != text:
            drifted.append(path.name)
            if "--check" not in argv:
                path.write_text(new)
    if drifted and "--check" in argv:
        print(f"out of date with the code: {', '.join(drifted)}; run python docs/contract.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
