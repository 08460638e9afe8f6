"""`Portfolio`: several backends proposing into one search, the better ones given more of its trials.

Rules (docs/laws.md §14):
- each trial is proposed by one member, chosen by Thompson sampling: a member's reward for a
  trial it proposed is the share of the search's earlier COMPLETE trials that the trial beats
  (1.0 when it beats them all or is the first; 0.0 when FAILED or PRUNED); each member draws from
  Beta(1 + its rewards, 1 + its misses), with a random stream seeded by the search's seed, and
  the highest draw proposes (ties to the member listed first);
- every member is told every finished trial: its own through `hpcore_tell`, the others' through
  `hpcore_tell_unproposed` with the seed it was last given, so each learns from all;
- every trial names its proposer (`FrozenTrial.proposer`): the member's backend name;
- a finite member that is exhausted proposes no more; the search ends when every member is;
- a member must propose trial by trial (`hpcore_ask`): a backend that only drives its own loop
  is refused; the portfolio's capabilities are what every member has;
- members keep their own options (`Portfolio(["optuna", "random"], optuna={...})`) and their
  own state, and share the search's ledger, budget and settings; a member's pruner decides for
  the trials it proposed.
"""

from __future__ import annotations

import dataclasses
import random
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from hpcore.admission import implemented_hooks
from hpcore.backend import Backend, Capabilities
from hpcore.choose import fit
from hpcore.errors import InvalidArgument
from hpcore.hookspecs import hookimpl
from hpcore.objective import Direction, losses
from hpcore.plugins import get_registry
from hpcore.records import FrozenTrial, TrialState
from hpcore.relay import build_relay
from hpcore.study import Study
from hpcore.trial import EXHAUSTED, Exhausted, Trial


@dataclass
class Member:
    """One member in one search: its backend, its own study (sharing the search's ledger and budget), its record."""

    backend: Backend
    study: Study
    seed: int | None
    rewards: float = 0.0
    misses: float = 0.0
    exhausted: bool = False


class PortfolioState:
    """One search of a portfolio: its members, who proposed each running trial, the losses so far."""

    def __init__(self, members: list[Member], seed: int | None, directions: Sequence[Direction]) -> None:
        self.members = members
        self.rng = random.Random(seed)
        self.directions = list(directions)
        self.proposers: dict[int, Member] = {}
        self.seen: list[list[float]] = []  # the losses of every COMPLETE trial told so far
        self.lock = threading.RLock()

    def choose(self) -> Member | None:
        """The member to propose the next trial; None when every member is exhausted."""
        able = [m for m in self.members if not m.exhausted]
        draws = [self.rng.betavariate(1.0 + m.rewards, 1.0 + m.misses) for m in able]
        return able[draws.index(max(draws))] if able else None

    def reward(self, trial: FrozenTrial) -> float:
        """The share of earlier COMPLETE trials `trial` beats (docs/laws.md §14); FAILED and PRUNED earn 0."""
        if trial.state is not TrialState.COMPLETE:
            return 0.0
        signed = losses(trial.values, self.directions)
        earlier = self.seen
        beaten = sum(all(a <= b for a, b in zip(signed, other)) and signed != other for other in earlier)
        self.seen.append(signed)
        return beaten / len(earlier) if earlier else 1.0


class Portfolio(Backend):
    """Several backends proposing into one search (module docstring); pass it as ``backend=``."""

    name = "portfolio"

    def __init__(self, members: Sequence[str | Backend], **member_options: Mapping[str, Any]) -> None:
        registry = get_registry()
        if isinstance(members, (str, bytes)) or len(members) < 2:
            raise InvalidArgument(f"a Portfolio needs a list of at least two backends, got {members!r}.")
        self.members = [registry.get(m) if isinstance(m, str) else m for m in members]
        names = [m.name for m in self.members]
        if len(set(names)) < len(names):
            raise InvalidArgument(f"a Portfolio's members must differ, got {names}.")
        for backend in self.members:
            if "hpcore_ask" not in implemented_hooks(backend):
                raise InvalidArgument(
                    f"backend {backend.name!r} cannot be a Portfolio member: it runs its own trials and "
                    "proposes none one at a time (it does not implement hpcore_ask)."
                )
        unknown = sorted(set(member_options) - set(names))
        if unknown:
            raise InvalidArgument(f"Portfolio options for {unknown[0]!r}, which is not a member; the members: {names}.")
        self.member_options = {name: dict(member_options.get(name, {})) for name in names}
        self.capabilities = _shared(self.members)
        self.name = "portfolio(" + "+".join(names) + ")"

    @hookimpl
    def hpcore_prepare(self, study: Study) -> None:
        settings = study.settings
        members = []
        for backend in self.members:
            options = self.member_options[backend.name]
            member_settings = dataclasses.replace(settings, backend=backend.name, options=options)
            member_settings = fit(backend, member_settings, get_registry(), ())
            member = Study(member_settings, build_relay(backend).hook)
            member.ledger, member.budget = study.ledger, study.budget
            member.hook.hpcore_prepare(study=member)
            members.append(Member(backend, member, settings.seed))
        study.backend_state = PortfolioState(members, settings.seed, settings.directions)

    @hookimpl
    def hpcore_tell_unproposed(self, study: Study, trials: Sequence[FrozenTrial], seed: int | None) -> None:
        for member in study.backend_state.members:
            member.seed = seed
            member.study.warm_trials = study.warm_trials
            member.study.hook.hpcore_tell_unproposed(study=member.study, trials=trials, seed=seed)

    @hookimpl
    def hpcore_ask(self, study: Study) -> Trial | Exhausted:
        state: PortfolioState = study.backend_state
        with state.lock:
            while (member := state.choose()) is not None:
                trial = member.study.hook.hpcore_ask(study=member.study)
                if trial is EXHAUSTED:  # a finite member has nothing left: the others go on
                    member.exhausted = True
                    continue
                trial.proposer = member.backend.name
                state.proposers[trial.number] = member
                return trial
        return EXHAUSTED

    @hookimpl
    def hpcore_should_prune(self, study: Study, trial: Trial, value: float, step: int) -> bool:
        member = study.backend_state.proposers.get(trial.number)
        return member is not None and bool(
            member.study.hook.hpcore_should_prune(study=member.study, trial=trial, value=value, step=step)
        )

    @hookimpl
    def hpcore_tell(self, study: Study, trial: FrozenTrial) -> None:
        state: PortfolioState = study.backend_state
        with state.lock:
            proposer = state.proposers.pop(trial.number, None)
            if proposer is not None:
                reward = state.reward(trial)
                proposer.rewards, proposer.misses = proposer.rewards + reward, proposer.misses + 1.0 - reward
            for member in state.members:
                if member is proposer:
                    member.study.hook.hpcore_tell(study=member.study, trial=trial)
                else:
                    member.study.hook.hpcore_tell_unproposed(study=member.study, trials=[trial], seed=member.seed)

    @hookimpl
    def hpcore_close(self, study: Study) -> None:
        state: PortfolioState | None = study.backend_state
        for member in state.members if state is not None else ():
            member.study.hook.hpcore_close(study=member.study)


def _shared(members: Sequence[Backend]) -> Capabilities:
    """What every member can do; `native_spaces` those all read. A portfolio is `finite` when every member is;
    never `distributed` (members keep no shared study) or `out_of_process` (members propose here)."""
    flags = {
        f.name: all(getattr(m.capabilities, f.name) for m in members)
        for f in fields(Capabilities)
        if f.name not in ("native_spaces", "distributed", "out_of_process")
    }
    spaces = tuple(s for s in members[0].capabilities.native_spaces if all(s in m.capabilities.native_spaces for m in members))
    return Capabilities(**flags, native_spaces=spaces)
