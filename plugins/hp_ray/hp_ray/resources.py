"""What one trial asks of one Ray node, checked against the cluster before a search starts.

Rules:
- `resources_per_trial` is read as Tune's `with_resources` reads a dict: `cpu`/`CPU` and
  `gpu`/`GPU` are Ray's CPU and GPU, `memory` is memory in bytes, and `custom_resources`
  (else every other key) are custom resources; together they are one bundle, which one
  node must hold;
- a search whose bundle no alive node holds, by the node's total resources (`ray.nodes()`),
  is refused before its run starts: Tune would wait for such a node for ever, or until
  `timeout`, and record nothing. Nodes an autoscaler has not started yet do not count.
"""

from __future__ import annotations

from typing import Any

from hp_ray.errors import ResourcesUnavailable


def bundle(resources: dict[str, Any]) -> dict[str, float]:
    """The resources one trial asks of one node, by Ray's names; amounts of zero left out."""
    spec = dict(resources)
    asked = {"CPU": spec.pop("cpu", spec.pop("CPU", 0)), "GPU": spec.pop("gpu", spec.pop("GPU", 0))}
    asked["memory"] = spec.pop("memory", 0)
    asked.update(spec.pop("custom_resources", None) or spec)
    return {name: float(amount) for name, amount in asked.items() if amount}


def check_fits(resources: dict[str, Any] | None) -> None:
    """Refuse `resources_per_trial` that no alive node of the connected cluster holds."""
    import ray

    asked = bundle(resources or {})
    nodes = [node["Resources"] for node in ray.nodes() if node.get("Alive")]
    if not asked or any(all(node.get(k, 0) >= v for k, v in asked.items()) for node in nodes):
        return
    most = {k: max((node.get(k, 0) for node in nodes), default=0) for k in asked}
    raise ResourcesUnavailable(
        f"resources_per_trial={resources!r} asks one node for {_amounts(asked)}, but no node of this Ray "
        f"cluster has that much (alive nodes: {len(nodes)}; the most one node has: {_amounts(most)}): ask for at "
        "most what one node has, or add a node that has it to the cluster (address= attaches to another)."
    )


def _amounts(resources: dict[str, float]) -> str:
    return ", ".join(f"{name} {amount:.12g}" for name, amount in sorted(resources.items()))
