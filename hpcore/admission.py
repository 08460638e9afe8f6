"""What each kind of plugin may implement, checked before it takes part in any search.

Rules (docs/hooks.md, "Who implements what"):
- a backend object answers the backend hooks (`BACKEND_HOOKS`) and may observe; it never selects;
- a plugin module (the ``hpcore`` entry-point group) and an ``observers=`` object observe and
  select; one that implements a backend hook is refused, naming the hook: the chosen backend
  alone answers them;
- observer hooks are broadcasts, one call to each implementation (`hpcore.observers`): an
  implementation declared ``wrapper=True`` or ``hookwrapper=True`` has no call to wrap and
  is refused; ``hpcore_select_best`` is an ordinary hook call, so a wrapper there runs
  around it as pluggy runs wrappers.
"""

from __future__ import annotations

from hpcore.hookspecs import BACKEND_HOOKS, OBSERVER_HOOKS, PROJECT

_MARK = f"{PROJECT}_impl"  # the attribute `hookimpl` sets on a function: pluggy's documented marker


def implemented_hooks(plugin: object) -> dict[str, dict[str, object]]:
    """The hooks `plugin` implements, by name, with their `hookimpl` options."""
    found = {}
    for name in dir(plugin):
        if name.startswith("hpcore_"):
            options = getattr(getattr(plugin, name, None), _MARK, None)
            if isinstance(options, dict):
                found[name] = options
    return found


def refusal(plugin: object, kind: str, label: str) -> str | None:
    """Why `plugin`, a "backend", "plugin module" or "observer", may not take part; None when it may."""
    for name, options in implemented_hooks(plugin).items():
        if name in OBSERVER_HOOKS and (options.get("wrapper") or options.get("hookwrapper")):
            return (
                f"{kind} {label} declares {name} as a hook wrapper, but observer hooks are broadcasts with no call "
                f"to wrap: implement {name} as a plain @hpcore.hookimpl."
            )
        if kind != "backend" and name in BACKEND_HOOKS:
            return (
                f"{kind} {label} implements {name}, a backend hook, which only the chosen backend answers: "
                "move it to a hpcore.Backend subclass and register that from hpcore_register_backends "
                "(or pass it as backend=)."
            )
        if kind == "backend" and name == "hpcore_select_best":
            return (
                f"backend {label} implements hpcore_select_best, which the core answers by docs/laws.md §4: "
                "drop it, or publish the policy as a selection plugin."
            )
    return None
