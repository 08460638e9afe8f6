"""Any JSON document given to `hpcore show` gives a table (and, asked for, a picture and a page) or one
line on stderr and exit 2: never a traceback. The documents are arbitrary JSON, saved results with
one part replaced by arbitrary JSON, and journals with arbitrary lines."""

import contextlib
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hpcore
from hpcore.cli import main

WORDS = ["hpcore_result", "backend", "directions", "best", "trials", "number", "params", "state", "values",
         "intermediate", "error", "duration", "user_attrs", "COMPLETE", "FAILED", "PRUNED", "RUNNING", "minimize",
         "maximize", "format", "version", "hpcore-journal", "space", "[/x]", "\x1b]0;t\x07", "<a href=x>", "$\\frac$"]
SCALARS = (
    st.none() | st.booleans() | st.sampled_from([0, 1, -1, 2**63, 10**400, 1e308, -1e308, 5e-324])
    | st.integers() | st.floats() | st.sampled_from(WORDS) | st.text(max_size=12)
)
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(WORDS) | st.text(max_size=6), inner, max_size=4), max_leaves=24)


def _saved_document():
    def objective(trial):
        if trial.number == 1:
            raise ValueError("no")
        return trial.params["x"] * trial.params["n"]

    space = {"x": hpcore.Float(0.001, 1000, log=True), "n": hpcore.Int(0, 5), "kind": hpcore.Categorical(["a", "b"])}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.json"
        hpcore.search(objective, space, backend="random", n_trials=6, seed=0).save(path)
        return json.loads(path.read_text())


SAVED = _saved_document()


def _places(value, path=()):
    """Every place in a document: the path of keys and indexes to it."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _places(item, (*path, index))


PLACES = list(_places(SAVED))[1:]


@st.composite
def damaged_results(draw):
    doc = json.loads(json.dumps(SAVED))
    for _ in range(draw(st.integers(1, 3))):
        *parents, last = draw(st.sampled_from(PLACES))
        holder = doc
        try:
            for key in parents:
                holder = holder[key]
            if draw(st.booleans()) and isinstance(holder, dict):
                holder.pop(last, None)
            else:
                holder[last] = draw(JSON)
        except (KeyError, IndexError, TypeError):  # an earlier change took that place away
            pass
    return json.dumps(doc)


@st.composite
def journals(draw):
    header = {"format": "hpcore-journal", "version": 1, "directions": draw(st.sampled_from([["minimize"], ["maximize", "minimize"]]) | JSON)}
    trials = [json.dumps(t) for t in SAVED["trials"]]
    lines = [json.dumps(header)] + draw(st.lists(st.sampled_from(trials) | JSON.map(json.dumps), max_size=5))
    return "\n".join(lines) + "\n"


DOCUMENTS = JSON.map(json.dumps) | damaged_results() | journals()


def show(text, *options):
    """`hpcore show` of a file holding `text`: (exit status, stdout, stderr); an exception escapes."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.json"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(["show", str(path), *[o.replace("DIR", folder) for o in options]])
        return status, out.getvalue(), err.getvalue()


def assert_a_table_or_one_line(status, out, err):
    if status == 0:
        assert " trials (" in out and "Traceback" not in out + err, (out, err)
    else:
        assert status == 2 and out == "", (status, out, err)
        assert err.startswith("error: ") and err.count("\n") == 1 and err.endswith("\n"), err


@settings(max_examples=300, deadline=2000, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_show_of_any_json_document_is_a_table_or_one_line(text):
    assert_a_table_or_one_line(*show(text))


@pytest.mark.timeout(300)
@settings(max_examples=25, deadline=20_000, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_results() | journals())
def test_show_of_any_json_document_draws_its_picture_and_page_or_says_one_line(text):
    status, out, err = show(text, "--plot", "DIR/s.png", "--html", "DIR/s.html")
    assert_a_table_or_one_line(status, out, err)
    assert status == 2 or ("plot written to" in out and "report written to" in out)


def test_show_of_a_lone_surrogate_and_extreme_numbers_is_a_table():
    doc = json.loads(json.dumps(SAVED))
    doc["backend"] = "\ud800"
    doc["trials"][0]["params"]["kind"] = "\udfff[/x]"
    doc["trials"][0]["values"] = [1.7e308]  # all but the largest float: the axis spans 1e-324 to 1e308
    doc["trials"][2]["values"] = [5e-324]
    doc["best"] = [min((t for t in doc["trials"] if t["state"] == "COMPLETE"), key=lambda t: t["values"][0])["number"]]
    status, out, err = show(json.dumps(doc), "--plot", "DIR/s.png", "--html", "DIR/s.html")
    assert status == 0, err
    assert "\\ud800" in out and "\\udfff[/x]" in out
