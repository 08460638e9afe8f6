"""Pictures that read right, asserted from the figure objects (matplotlib's and plotly's):
a log-scale parameter on a log axis, categoricals as categories, pruned and failed trials in their
own colour and shape, importance only with enough completed trials, a portfolio's trials by
proposer, and the page's best trial, intermediate values and stopping steps.
"""

import math

import optuna
import pytest

import hpcore
from hpcore import SearchResult
from hpcore.report import html as page
from hpcore.report import png
from hpcore.report.summary import FAILED, MIN_TRIALS, PRUNED

optuna.logging.set_verbosity(optuna.logging.WARNING)
SPACE = {"learning_rate": hpcore.Float(3e-4, 1e-2, log=True), "batch": hpcore.Categorical([8, 16, 32]), "dropout": hpcore.Float(0, 0.3)}


def objective(trial):
    p = trial.params
    loss = (math.log10(p["learning_rate"]) + 2.5) ** 2 + 0.002 * p["batch"] + p["dropout"]
    if p["dropout"] > 0.27:
        raise RuntimeError("diverged")
    for step in range(4):
        trial.report(loss + 1 / (step + 1), step)
        if step == 1 and p["batch"] == 32:
            raise hpcore.TrialPruned()
    return loss


def demo_space(trial):  # the demo's native Optuna space: the log scale is Optuna's, not hpcore's
    return {
        "learning_rate": trial.suggest_float("learning_rate", 3e-4, 1e-2, log=True),
        "batch": trial.suggest_categorical("batch", [8, 16, 32]),
        "dropout": trial.suggest_float("dropout", 0.0, 0.3),
    }


@pytest.fixture(scope="module")
def searches(tmp_path_factory):
    """The same problem searched with a neutral space (random) and with the demo's native one (optuna), each saved and read back."""
    folder = tmp_path_factory.mktemp("pictures")
    found = {}
    for name, space, backend in (("neutral", SPACE, "random"), ("native", demo_space, "optuna")):
        hpcore.search(objective, space, backend=backend, n_trials=40, seed=3).save(folder / f"{name}.json")
        found[name] = SearchResult.load(folder / f"{name}.json")
    return found


def panel(figure, title):
    return next(ax for ax in figure.axes if ax.get_title() == title)


def plot(figures, title):
    return next(f for f in figures if f.layout.title.text == title)


@pytest.mark.parametrize("kind", ["neutral", "native"])
def test_a_log_scale_parameter_is_on_a_log_axis_and_a_categorical_on_categories(searches, kind):
    result = searches[kind]
    values = [t.params["learning_rate"] for t in result.trials]
    assert max(values) / min(values) < 100  # too narrow for the old guess, which drew it on a linear axis
    figure = png.result_figure(result)
    assert panel(figure, "learning_rate").get_xscale() == "log"
    assert panel(figure, "dropout").get_xscale() == "linear"
    assert [t.get_text() for t in panel(figure, "batch").get_xticklabels()] == ["8", "16", "32"]
    figures = page.result_figures(result)
    assert plot(figures, "learning_rate").layout.xaxis.type == "log"
    assert plot(figures, "dropout").layout.xaxis.type == "linear"
    batch = plot(figures, "batch").layout.xaxis
    assert batch.type == "category" and list(batch.categoryarray) == ["8", "16", "32"]


def test_pruned_and_failed_trials_differ_in_colour_and_shape(searches):
    result = searches["neutral"]
    states = {t.state.value for t in result.trials}
    assert states == {"COMPLETE", "PRUNED", "FAILED"}
    traces = {t.name: t for t in plot(page.result_figures(result), "objective over trials").data}
    marks = {name: (traces[name].marker.color, traces[name].marker.symbol) for name in ("complete", "pruned", "failed")}
    assert marks["pruned"] == (PRUNED, "triangle-down") and marks["failed"] == (FAILED, "x")
    assert len(set(marks.values())) == 3
    history = panel(png.result_figure(result), "objective over trials")
    drawn = {c.get_label(): c for c in history.collections}
    assert {"complete", "pruned (last report)", "failed"} <= set(drawn)
    labels = ("complete", "pruned (last report)", "failed")
    colours = {label: tuple(drawn[label].get_facecolor()[0]) for label in labels}  # a cross has no edge: its colour is its face's
    assert len(set(colours.values())) == 3
    shapes = {label: drawn[label].get_paths()[0].vertices.tobytes() for label in labels}
    assert len(set(shapes.values())) == 3
    pruned = [t for t in result.trials if t.state.value == "PRUNED"]
    ys = list(traces["pruned"].y)
    assert ys == [t.intermediate[max(t.intermediate)] for t in pruned]  # each at its last report


def test_importance_is_shown_only_with_enough_completed_trials_and_says_how_many():
    few = hpcore.search(lambda t: t.params["x"] ** 2, {"x": hpcore.Float(-1, 1)}, backend="random", n_trials=MIN_TRIALS - 1, seed=0)
    said = f"needs {MIN_TRIALS} completed trials; this search has {MIN_TRIALS - 1}"
    figure = png.result_figure(few)
    assert [t.get_text() for t in panel(figure, "parameter importance (η², first objective)").texts] == [f"no estimate: it {said}"]
    importance = page.result_figures(few)[1]
    assert said in importance.layout.title.text and len(importance.data[0].x or ()) == 0
    enough = hpcore.search(lambda t: t.params["x"] ** 2, {"x": hpcore.Float(-1, 1)}, backend="random", n_trials=MIN_TRIALS, seed=0)
    assert list(page.result_figures(enough)[1].data[0].y) == ["x"]


def test_a_portfolio_s_trials_are_coloured_by_proposer():
    result = hpcore.search(lambda t: (t.params["x"] - 0.3) ** 2, {"x": hpcore.Float(-1, 1)},
                           backend=hpcore.Portfolio(["random", "halton"]), n_trials=30, seed=0)
    proposers = {t.proposer for t in result.trials}
    assert proposers == {"random", "halton"}
    traces = {t.name: t for t in plot(page.result_figures(result), "objective over trials").data}
    halton, random_ = traces["proposed by halton"], traces["proposed by random"]
    assert halton.marker.color != random_.marker.color
    assert sorted(halton.x) == [t.number for t in result.trials if t.proposer == "halton"]
    labels = {c.get_label() for c in panel(png.result_figure(result), "x").collections}
    assert {"proposed by halton", "proposed by random"} <= labels


def test_the_page_marks_the_best_trial_and_shows_intermediate_values_and_stopping_steps(searches):
    result = searches["neutral"]
    best = result.best_trial
    figures = page.result_figures(result)
    stars = {t.name: t for t in plot(figures, "objective over trials").data}["best trial"]
    assert list(stars.x) == [best.number] and list(stars.y) == [best.value] and stars.marker.symbol == "star"
    curves = plot(figures, "intermediate values (blue: the best trial; orange: pruned)")
    lines = [t for t in curves.data if t.mode == "lines"]
    reported = [t for t in result.trials if t.intermediate]
    assert [list(line.y) for line in lines] == [[t.intermediate[s] for s in sorted(t.intermediate)] for t in reported]
    stops = {t.name: t for t in curves.data}["pruned: stopping step"]
    pruned = [t for t in result.trials if t.state.value == "PRUNED"]
    assert list(stops.x) == [1] * len(pruned)  # the objective prunes at step 1
    text = page.result_page(result)
    assert f'<tr class="COMPLETE best"><td data-num="{float(best.number)!r}">{best.number}</td><td>COMPLETE ★ best</td>' in text
    assert text.count("★ best") == 1
    assert text.count('<td data-num="1.0">1</td>') >= len(pruned)  # the stopping-step column


def test_the_page_of_several_objectives_marks_the_pareto_front():
    result = hpcore.search(lambda t: [t.params["x"] ** 2, (t.params["x"] - 1) ** 2], {"x": hpcore.Float(-1, 2)},
                           direction=["minimize", "minimize"], backend="random", n_trials=20, seed=0)
    assert page.result_page(result).count("★ Pareto front") == len(result.best_trials) > 1


def test_a_recorded_parameter_that_does_not_hold_the_values_is_drawn_by_the_values():
    from hpcore.records import FrozenTrial, TrialState

    log_scale = {"x": hpcore.Float(1e-3, 1, log=True)}  # as a damaged file could record it
    trials = [FrozenTrial(i, {"x": v}, TrialState.COMPLETE, [float(i)], space=log_scale) for i, v in enumerate([0.01, "a", -3])]
    result = SearchResult(trials, ["minimize"], "random")
    assert [t.get_text() for t in panel(png.result_figure(result), "x").get_xticklabels()] == ["0.01", "a", "-3"]
    assert plot(page.result_figures(result), "x").layout.xaxis.type == "category"
