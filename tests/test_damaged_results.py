"""A saved result that breaks hpcore's schema is refused whole, naming the file, the trial and the field.

Each document below starts as a real saved search and has one thing wrong. `SearchResult.load`
raises ResultCorrupt; `hpcore show` prints one line and exits 2; the file is left byte for byte.
"""

import json

import pytest

import hpcore
from hpcore import SearchResult

SPACE = {"x": hpcore.Float(0, 1), "kind": hpcore.Categorical(["a", "b"])}


def objective(trial):
    if trial.number == 1:
        raise ValueError("x is wrong")
    if trial.number == 4:
        raise hpcore.TrialPruned()
    return trial.params["x"]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A real saved search: trials 0, 2, 3 COMPLETE, 1 FAILED, 4 PRUNED; its JSON document."""
    path = tmp_path_factory.mktemp("saved") / "r.json"
    hpcore.search(objective, SPACE, backend="random", n_trials=5, seed=0).save(path)
    return json.loads(path.read_text())


def trial(doc, number):
    return next(t for t in doc["trials"] if t["number"] == number)


def set_field(number, field, value):
    def damage(doc):
        trial(doc, number)[field] = value
    return damage


def set_top(field, value):
    def damage(doc):
        doc[field] = value
    return damage


def failed_best(doc):
    doc["best"] = [1]


def duplicate_number(doc):
    doc["trials"][3]["number"] = 2


def two_bests(doc):
    doc["best"] = [0, 2]


def no_best(doc):
    doc["best"] = []


def unknown_field(doc):
    trial(doc, 0)["value"] = 1.0


def deep_params(doc):
    nested = "a"
    for _ in range(40):
        nested = [nested]
    trial(doc, 0)["params"]["kind"] = nested


DAMAGES = {  # name: (damage, words the message holds besides the file)
    "best-is-failed": (failed_best, ["field 'best'", "trial 1", "not a COMPLETE trial"]),
    "complete-without-values": (set_field(0, "values", []), ["trial 0", "field 'values'", "COMPLETE with 0 value(s) for 1 direction(s)"]),
    "no-directions": (set_top("directions", []), ["field 'directions'", "non-empty list"]),
    "directions-that-do-not-count-the-values": (set_top("directions", ["minimize", "maximize"]), ["trial 0", "field 'values'", "1 value(s) for 2 direction(s)"]),
    "a-direction-that-is-not-one": (set_top("directions", ["sideways"]), ["field 'directions'", "'sideways'"]),
    "error-is-a-dict": (set_field(1, "error", {"message": "x"}), ["trial 1", "field 'error'", "a string or null"]),
    "error-is-an-int": (set_field(1, "error", 7), ["trial 1", "field 'error'", "not 7"]),
    "huge-integer-value": (set_field(0, "values", [10**400]), ["trial 0", "field 'values'", "an integer of 401 digits"]),
    "huge-integer-param": (lambda doc: trial(doc, 0)["params"].update(x=10**400), ["trial 0", "field 'params'", "outside 64 bits"]),
    "huge-trial-number": (set_field(0, "number", 10**400), ["trials[0]", "field 'number'", "an integer of 401 digits"]),
    "negative-trial-number": (set_field(0, "number", -1), ["trials[0]", "field 'number'", "not -1"]),
    "format-99": (set_top("hpcore_result", 99), ["field 'hpcore_result'", "format 99", "reads format 1"]),
    "format-true": (set_top("hpcore_result", True), ["field 'hpcore_result'", "not True"]),
    "value-true": (set_field(0, "values", [True]), ["trial 0", "field 'values'", "holds True"]),
    "value-a-string": (set_field(0, "values", ["1.5"]), ["trial 0", "field 'values'", "holds '1.5'"]),
    "value-infinite": (set_field(0, "values", [float("inf")]), ["trial 0", "field 'values'", "holds inf"]),
    "two-values-for-one-direction": (set_field(0, "values", [0.5, 0.5]), ["trial 0", "field 'values'", "2 value(s) for 1 direction(s)"]),
    "values-on-a-failed-trial": (set_field(1, "values", [0.5]), ["trial 1", "field 'values'", "a FAILED trial has no values"]),
    "a-running-trial": (set_field(3, "state", "RUNNING"), ["trial 3", "field 'state'", "'RUNNING'"]),
    "duplicate-trial-numbers": (duplicate_number, ["trial 2", "field 'number'", "unique"]),
    "backend-is-a-dict": (set_top("backend", {"name": "random"}), ["field 'backend'", "a string"]),
    "two-best-for-one-direction": (two_bests, ["field 'best'", "2 trials"]),
    "no-best-though-trials-completed": (no_best, ["field 'best'", "3 trial(s) completed"]),
    "negative-duration": (set_field(0, "duration", -1.0), ["trial 0", "field 'duration'", "not -1.0"]),
    "intermediate-step-not-an-int": (set_field(0, "intermediate", {"one": 0.5}), ["trial 0", "field 'intermediate'", "'one'"]),
    "an-unknown-field": (unknown_field, ["trial 0", "field 'value'", "unknown field"]),
    "params-nested-40-deep": (deep_params, ["trial 0", "field 'params'", "deeper than 32"]),
    "user-attrs-a-list": (set_field(0, "user_attrs", [1]), ["trial 0", "field 'user_attrs'", "a JSON object"]),
}


@pytest.fixture(params=sorted(DAMAGES), ids=sorted(DAMAGES))
def damaged(request, saved, tmp_path):
    """(path of a damaged copy of the saved search, its bytes, the words its refusal names)."""
    damage, words = DAMAGES[request.param]
    doc = json.loads(json.dumps(saved))
    damage(doc)
    path = tmp_path / "r.json"
    path.write_text(json.dumps(doc, indent=1))
    return path, path.read_bytes(), words


def test_load_refuses_a_damaged_result_naming_the_file_the_trial_and_the_field(damaged):
    path, before, words = damaged
    with pytest.raises(hpcore.ResultCorrupt) as refused:
        SearchResult.load(path)
    message = str(refused.value)
    assert message.startswith(f"{path} is a damaged result: ") and "It is left as it is" in message
    for word in words:
        assert word in message, (word, message)
    assert path.read_bytes() == before


def test_show_refuses_a_damaged_result_in_one_line(damaged, cli):
    path, before, words = damaged
    out = cli("show", path.name, "--plot", "s.png", "--html", "s.html", cwd=path.parent)
    assert out.returncode == 2, out
    assert out.stderr.startswith("error: r.json is a damaged result: ") and out.stderr.count("\n") == 1, out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""
    for word in words:
        assert word in out.stderr, (word, out.stderr)
    assert path.read_bytes() == before
    assert not (path.parent / "s.png").exists() and not (path.parent / "s.html").exists()


def test_the_saved_search_itself_loads_as_it_was_saved(saved, tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(saved))
    loaded = SearchResult.load(path)
    assert [t.state.value for t in loaded.trials] == ["COMPLETE", "FAILED", "COMPLETE", "COMPLETE", "PRUNED"]
    assert loaded.best_trial.number == saved["best"][0]


@pytest.mark.parametrize(
    "text, words",
    [
        ('{"hpcore_result": 1, "backend": "a", "backend": "b"}', ["not JSON", "'backend' appears twice"]),
        ("[" * 100_000 + "]" * 100_000, ["not JSON", "nested deeper"]),
        ('{"trials": []}', ["no 'hpcore_result' field"]),
    ],
    ids=["a-key-twice", "nested-100000-deep", "no-format"],
)
def test_a_file_that_is_not_a_result_is_refused_as_such(tmp_path, text, words):
    path = tmp_path / "r.json"
    path.write_text(text)
    with pytest.raises(hpcore.errors.NotAResult) as refused:
        SearchResult.load(path)
    assert not isinstance(refused.value, hpcore.ResultCorrupt)
    for word in words:
        assert word in str(refused.value)
