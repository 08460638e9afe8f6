"""hpcore.Portfolio: several backends propose into one search; the better one proposes more (docs/laws.md §14)."""

import statistics
import subprocess
import sys

import pytest

import hpcore

SPACE = {"x": hpcore.Float(-3.0, 3.0), "y": hpcore.Float(-3.0, 3.0)}


def bowl(trial):
    return (trial.params["x"] - 1.0) ** 2 + (trial.params["y"] + 0.5) ** 2


def test_every_trial_names_its_proposer_and_keeps_it_through_journal_and_saved_result(tmp_path):
    portfolio = hpcore.Portfolio(["random", "halton"])
    result = hpcore.search(bowl, SPACE, backend=portfolio, n_trials=12, seed=0, journal=tmp_path / "j.jsonl")
    proposers = [t.proposer for t in result.trials]
    assert set(proposers) <= {"random", "halton"} and len(proposers) == 12
    assert [t.proposer for t in hpcore.read_journal(tmp_path / "j.jsonl")[1]] == proposers
    result.save(tmp_path / "r.json")
    assert [t.proposer for t in hpcore.SearchResult.load(tmp_path / "r.json").trials] == proposers
    assert result.backend == "portfolio(random+halton)"


def test_a_plain_search_records_its_backend_as_the_proposer():
    result = hpcore.search(bowl, SPACE, backend="random", n_trials=3, seed=0)
    assert {t.proposer for t in result.trials} == {"random"}


def test_the_same_seed_gives_the_same_portfolio_search():
    runs = [hpcore.search(bowl, SPACE, backend=hpcore.Portfolio(["random", "halton"]), n_trials=10, seed=4) for _ in range(2)]
    assert [(t.proposer, t.params) for t in runs[0].trials] == [(t.proposer, t.params) for t in runs[1].trials]


def test_a_finite_member_that_runs_out_leaves_the_trials_to_the_others():
    space = {"a": hpcore.Int(0, 2)}
    result = hpcore.search(lambda t: float(t.params["a"]), space, backend=hpcore.Portfolio(["grid", "random"]), n_trials=10, seed=1)
    assert len(result.trials) == 10
    assert sum(t.proposer == "grid" for t in result.trials) <= 3


def test_capabilities_are_what_every_member_has():
    caps = hpcore.Portfolio(["random", "grid"]).capabilities
    assert caps.multi_objective and caps.seedable and caps.resumable and not caps.define_by_run
    with pytest.raises(hpcore.DefineByRunUnsupported):
        hpcore.search(lambda t: t.suggest_float("x", 0, 1), None, backend=hpcore.Portfolio(["random", "grid"]), n_trials=1)


def test_several_objectives_where_every_member_takes_them():
    result = hpcore.search(
        lambda t: (t.params["x"], -t.params["y"]), SPACE, direction=["min", "min"],
        backend=hpcore.Portfolio(["random", "halton"]), n_trials=8, seed=0,
    )
    assert len(result.trials) == 8 and result.best_trials


@pytest.mark.parametrize(
    "members, options, match",
    [
        (["random"], {}, "at least two backends"),
        ("random", {}, "at least two backends"),
        (["random", "random"], {}, "must differ"),
        (["random", "halton"], {"grid": {}}, "not a member"),
        (["random", "nothing-here"], {}, "no backend named 'nothing-here'"),
    ],
)
def test_a_portfolio_that_cannot_be_is_refused_at_once(members, options, match):
    with pytest.raises((hpcore.InvalidArgument, hpcore.BackendNotFound), match=match):
        hpcore.Portfolio(members, **options)


def test_a_member_option_the_member_does_not_take_is_refused_before_any_trial():
    ran = []
    with pytest.raises(hpcore.InvalidArgument, match="backend 'random' has no option 'sampler'"):
        hpcore.search(lambda t: ran.append(1) or 0.0, SPACE, backend=hpcore.Portfolio(["random", "halton"], random={"sampler": 1}), n_trials=2)
    assert ran == []


def test_show_names_each_trials_proposer_of_a_saved_portfolio(tmp_path, cli):
    (tmp_path / "task.py").write_text(
        "import hpcore\nspace = {'x': hpcore.Float(0, 1, step=0.05)}\n"
        "def objective(trial):\n    return trial.params['x']\n"
    )
    script = (
        "import hpcore, task\n"
        "r = hpcore.search(task.objective, task.space, backend=hpcore.Portfolio(['random', 'grid']), n_trials=12, seed=0)\n"
        "r.save('portfolio.json')\n"
    )
    made = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    saved = hpcore.SearchResult.load(tmp_path / "portfolio.json")
    out = cli("show", "portfolio.json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "proposer" in out.stdout and "proposed: " in out.stdout, out.stdout
    counts = dict(item.rsplit(" ", 1) for item in out.stdout.split("proposed: ")[1].splitlines()[0].split(", "))
    assert sum(map(int, counts.values())) == 12 and set(counts) <= {"random", "grid"}, counts
    assert {t.proposer for t in saved.trials} == set(counts)
