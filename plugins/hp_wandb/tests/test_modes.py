"""The mode of a search (online, offline, disabled), decided once and logged; the online wiring
against a FAKE of the W&B cloud API; the fast failure without credentials, for real."""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path
from typing import Any

import pytest

import hpcore
from hpcore import InvalidArgument, InvalidSpace, TrialState

from hp_wandb import WandbLoginRequired
from hp_wandb import mode as modes

CONFIG = {
    "method": "bayes",
    "metric": {"name": "val_loss", "goal": "minimize"},
    "parameters": {"lr": {"distribution": "log_uniform_values", "min": 1e-4, "max": 1e-1}, "layers": {"values": [1, 2, 3]}},
}


class FakeWandbCloud:
    """A FAKE of the W&B cloud API — ``wandb.sweep`` and ``wandb.agent`` — because the W&B server cannot
    be reached from the tests. The sweep is recorded; the agent plays the server's part: for each of
    `count` runs it picks parameters from the sweep config, starts a real (offline) W&B run with them
    as its config, as a sweep run's config arrives from the server, and calls the function."""

    def __init__(self, runs_dir: Path) -> None:
        self.runs_dir = runs_dir
        self.sweeps: list[dict[str, Any]] = []
        self.agents: list[dict[str, Any]] = []
        self.known: dict[str, dict[str, Any]] = {"existing-sweep": CONFIG}

    def sweep(self, sweep: dict[str, Any], entity: str | None = None, project: str | None = None, **kwargs: Any) -> str:
        sweep_id = f"fake{len(self.sweeps)}"
        self.sweeps.append({"config": sweep, "project": project, "entity": entity})
        self.known[sweep_id] = sweep
        return sweep_id

    def agent(self, sweep_id: str, function: Any = None, entity: str | None = None, project: str | None = None,
              count: int | None = None) -> None:
        import wandb

        self.agents.append({"sweep_id": sweep_id, "count": count, "project": project, "entity": entity})
        parameters = self.known[sweep_id]["parameters"]
        for i in range(count or 1):
            params = {name: _pick(spec, i, count or 1) for name, spec in parameters.items()}
            wandb.init(mode="offline", config=params, dir=self.runs_dir, reinit="finish_previous",
                       settings=wandb.Settings(silent=True, console="off", x_disable_stats=True))
            function()


def _pick(spec: dict[str, Any], i: int, count: int) -> Any:
    if "values" in spec:
        return spec["values"][i % len(spec["values"])]
    if "value" in spec:
        return spec["value"]
    low, high = spec["min"], spec["max"]
    if spec.get("distribution") == "int_uniform" or (isinstance(low, int) and isinstance(high, int) and "distribution" not in spec):
        return low + i % (high - low + 1)
    if "log" in spec.get("distribution", ""):
        return math.exp(math.log(low) + (math.log(high) - math.log(low)) * (i + 0.5) / count)
    return low + (high - low) * (i + 0.5) / count


@pytest.fixture(name="cloud")
def cloud_fixture(monkeypatch: pytest.MonkeyPatch, runs_dir: Path) -> FakeWandbCloud:
    """The FAKE W&B cloud in place of wandb.sweep and wandb.agent, and an API key so the mode is online."""
    import wandb

    fake = FakeWandbCloud(runs_dir)
    monkeypatch.setattr(wandb, "sweep", fake.sweep)
    monkeypatch.setattr(wandb, "agent", fake.agent)
    monkeypatch.setenv("WANDB_API_KEY", "fake-key-for-the-fake-cloud-0000000000000")
    return fake


# -- deciding the mode ---------------------------------------------------------------------------
def test_the_option_wins_then_wandb_mode_then_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert modes.decide(None) == modes.Mode("offline", modes.decide(None).reason, implicit=True)
    monkeypatch.setenv("WANDB_MODE", "disabled")
    assert modes.decide(None).kind == "disabled"
    assert modes.decide("dryrun").kind == "offline" and modes.decide("OFFLINE").kind == "offline"
    monkeypatch.setenv("WANDB_MODE", "sideways")
    with pytest.raises(InvalidArgument, match="WANDB_MODE='sideways' is not a W&B mode"):
        modes.decide(None)
    monkeypatch.delenv("WANDB_MODE")
    netrc = tmp_path / "netrc"
    netrc.write_text("machine api.wandb.ai\n  login user\n  password 0123456789abcdef0123456789abcdef01234567\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    assert modes.credentials() == str(netrc)
    assert modes.decide(None).kind == "online" and str(netrc) in modes.decide(None).reason
    monkeypatch.setenv("WANDB_BASE_URL", "https://wandb.example.com")
    assert modes.credentials() is None  # the entry is for another host
    monkeypatch.setenv("WANDB_API_KEY", "k" * 40)
    assert modes.decide(None).kind == "online" and modes.decide("offline").kind == "offline"


def test_without_mode_or_credentials_the_sweep_is_local_and_offline_said_in_one_line(
    runs_dir: Path, read_runs, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="hp_wandb"):
        result = hpcore.search(lambda t: t.params["lr"], CONFIG, backend="wandb", n_trials=3, dir=runs_dir)
    lines = [r for r in caplog.records if r.name == "hp_wandb"]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING
    assert "offline" in lines[0].getMessage() and "no W&B credentials" in lines[0].getMessage()
    assert result.native.mode == "offline" and len(read_runs(runs_dir)) == 3


@pytest.mark.parametrize("how", ["option", "env", "sweep_id"])
def test_online_without_credentials_fails_at_once_saying_how_to_log_in_or_go_offline(
    how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For real: no fake, no credentials, and W&B is never asked (it would prompt or wait on the network)."""
    options: dict[str, Any] = {"mode": "online"} if how == "option" else {"sweep_id": "abc"} if how == "sweep_id" else {}
    if how == "env":
        monkeypatch.setenv("WANDB_MODE", "online")
    ran: list[int] = []
    started = time.perf_counter()
    with pytest.raises(WandbLoginRequired) as raised:
        hpcore.search(lambda t: ran.append(t.number) or 0.0, CONFIG, backend="wandb", n_trials=2, **options)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"took {elapsed:.1f} s"
    message = str(raised.value)
    assert "wandb login" in message and "WANDB_API_KEY" in message and "mode='offline'" in message
    assert ran == []


def test_sweep_id_with_an_offline_mode_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="sweep_id= joins a sweep on the W&B server, but the mode is offline"):
        hpcore.search(lambda t: 0.0, CONFIG, backend="wandb", sweep_id="abc", mode="offline")


# -- online, against the FAKE cloud ----------------------------------------------------------------
def test_online_creates_a_sweep_and_runs_an_agent_for_n_trials(cloud: FakeWandbCloud, runs_dir: Path, read_runs) -> None:
    def objective(trial: hpcore.Trial) -> dict:
        for step in range(2):
            trial.report(trial.params["lr"] * (2 - step), step)
        return {"eval_loss": trial.params["lr"] * trial.params["layers"], "epoch": 1.0}

    with pytest.warns(UserWarning, match="direction wins"):
        result = hpcore.search(objective, CONFIG, backend="wandb", n_trials=4, direction="maximize", project="proj",
                               entity="team", name="my-sweep")
    (sweep,) = cloud.sweeps
    assert sweep["project"] == "proj" and sweep["entity"] == "team"
    assert sweep["config"]["metric"] == {"name": "val_loss", "goal": "maximize"}  # direction wins, on the server too
    assert sweep["config"]["method"] == "bayes" and sweep["config"]["name"] == "my-sweep"
    assert sweep["config"]["parameters"] == CONFIG["parameters"]
    assert cloud.agents == [{"sweep_id": "fake0", "count": 4, "project": "proj", "entity": "team"}]
    assert result.native.mode == "online" and result.native.sweep_id == "fake0"
    runs = read_runs(runs_dir)
    assert [t.params for t in result.trials] == [r["config"] for r in runs]
    for trial, run in zip(result.trials, runs):
        assert trial.state is TrialState.COMPLETE
        assert run["summary"]["val_loss"] == trial.values[0] == trial.params["lr"] * trial.params["layers"]
        assert [row["val_loss"] for row in run["history"]] == [trial.intermediate[0], trial.intermediate[1]]
    assert result.best_trial.value == max(t.values[0] for t in result.trials)  # maximized, as direction says


def test_sweep_id_joins_an_existing_sweep(cloud: FakeWandbCloud) -> None:
    result = hpcore.search(lambda t: t.params["lr"], CONFIG, backend="wandb", n_trials=2, sweep_id="existing-sweep")
    assert cloud.sweeps == [] and cloud.agents[0]["sweep_id"] == "existing-sweep" and cloud.agents[0]["count"] == 2
    assert len(result.trials) == 2 and result.native.sweep_id == "existing-sweep"


def test_online_takes_a_neutral_space_and_maps_values_back(cloud: FakeWandbCloud) -> None:
    space = {"x": hpcore.Float(0.0, 1.0), "n": hpcore.Int(2, 8, step=2), "pair": hpcore.Categorical([(1, 2), (3, 4)]),
             "lr": hpcore.Float(1e-3, 1.0, log=True)}
    result = hpcore.search(lambda t: t.params["x"], space, backend="wandb", n_trials=3, mode="online")
    sent = cloud.sweeps[0]["config"]
    assert sent["parameters"]["x"] == {"distribution": "uniform", "min": 0.0, "max": 1.0}
    assert sent["parameters"]["n"] == {"values": [2, 4, 6, 8]}
    assert sent["parameters"]["lr"]["distribution"] == "log_uniform_values"
    assert sent["metric"] == {"name": "objective", "goal": "minimize"} and sent["method"] == "random"
    assert all(t.state is TrialState.COMPLETE for t in result.trials), [t.error for t in result.trials]
    assert all(t.params["pair"] in ((1, 2), (3, 4)) and isinstance(t.params["pair"], tuple) for t in result.trials)


def test_online_refuses_what_a_server_sweep_cannot_do(cloud: FakeWandbCloud) -> None:
    with pytest.raises(InvalidArgument, match="optimizes one metric.*mode='offline'"):
        hpcore.search(lambda t: [0.0, 0.0], CONFIG, backend="wandb", direction=["min", "max"])
    with pytest.raises(InvalidSpace, match="must know its parameters up front"):
        hpcore.search(lambda t: trial.suggest_float("x", 0, 1), None, backend="wandb")  # noqa: F821
    assert cloud.sweeps == []


def test_a_programming_error_inside_an_online_run_is_raised_after_the_agent(cloud: FakeWandbCloud) -> None:
    calls: list[int] = []

    def objective(trial: hpcore.Trial) -> list[float]:
        calls.append(trial.number)
        return [1.0, 2.0]  # two values, one direction: the core re-raises ValueCountMismatch

    with pytest.raises(hpcore.ValueCountMismatch):
        hpcore.search(objective, CONFIG, backend="wandb", n_trials=3)
    assert calls == [0], "the agent's later runs must not run the objective again"
