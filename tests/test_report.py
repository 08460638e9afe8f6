"""Pictures and pages of real searches: `hpcore show --plot/--html`, `hpcore compare`, `hpcore.report`."""

import pytest
from PIL import Image

from hpcore import SearchResult
from hpcore.report import write_png
from hpcore.report.summary import importance

BEST_RGB = (0x1F, 0x77, 0xB4)  # the best-so-far curve, the front and the importance bars


def drawn_pixels(path, rgb=BEST_RGB, tolerance=40):
    """How many pixels of the PNG at `path` are near `rgb`; asserts it is a PNG with many colours (not blank)."""
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width >= 400 and image.height >= 300
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24)
    assert len(colours) > 50, "a blank or nearly blank picture"
    return sum(count for count, colour in colours if all(abs(a - b) <= tolerance for a, b in zip(colour, rgb)))


@pytest.mark.parametrize("saved", ["random.json", "random.jsonl", "grid.json", "optuna.json", "two.json"])
def test_show_draws_a_png_and_writes_a_page_of_each_search(searches, cli, tmp_path, saved):
    png, page = tmp_path / "s.png", tmp_path / "s.html"
    out = cli("show", searches / saved, "--plot", png, "--html", page)
    assert out.returncode == 0, out.stderr
    assert drawn_pixels(png) > 500
    text = page.read_text()
    trials = SearchResult.load(searches / saved.replace(".jsonl", ".json")).trials
    assert text.count("<tr class=") == len(trials)
    assert "<script src=" not in text and "https://" not in text.split("<body>")[1]  # nothing to fetch to view it
    assert ("Pareto front" in text) == (saved == "two.json")


def test_show_reads_a_study_from_an_optuna_storage(searches, cli, tmp_path):
    out = cli("show", "sqlite:///optuna.db", "--study", "demo", "--plot", tmp_path / "s.png", cwd=searches)
    assert out.returncode == 0, out.stderr
    assert "25 trials (optuna)" in out.stdout and drawn_pixels(tmp_path / "s.png") > 500
    missing = cli("show", "sqlite:///optuna.db", "--study", "nope", cwd=searches)
    assert missing.returncode == 2 and "no study named 'nope': give one of 'demo'" in missing.stderr
    nowhere = cli("show", "sqlite:///nowhere.db", "--study", "demo", cwd=tmp_path)
    assert nowhere.returncode == 2 and "no SQLite file 'nowhere.db'" in nowhere.stderr
    assert not (tmp_path / "nowhere.db").exists()  # reading never creates a storage


def test_failed_and_pruned_trials_are_marked_in_both_reports(searches, cli, tmp_path):
    result = SearchResult.load(searches / "random.json")
    assert {t.state.value for t in result.trials} == {"COMPLETE", "FAILED", "PRUNED"}
    cli("show", searches / "random.json", "--plot", tmp_path / "s.png", "--html", tmp_path / "s.html")
    assert drawn_pixels(tmp_path / "s.png", rgb=(0xD6, 0x27, 0x28), tolerance=30) > 10  # the red crosses of failed trials
    text = (tmp_path / "s.html").read_text()
    assert '"name":"failed"' in text and '"name":"pruned"' in text and "x is too large" in text


def test_importance_finds_the_parameter_that_matters(searches):
    shares = importance(SearchResult.load(searches / "random.json"))
    assert set(shares) == {"x", "n", "kind"} and abs(sum(shares.values()) - 1) < 1e-9
    assert shares["x"] > shares["n"]


def test_compare_puts_searches_side_by_side(searches, cli, tmp_path):
    out = cli("compare", "random.json", "grid.json", "optuna.json", "--at", "5", "--target", "0.5",
              "--plot", tmp_path / "c.png", "--html", tmp_path / "c.html", cwd=searches)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "random.json" in lines[2] and "grid.json" in lines[2] and "optuna.json" in lines[2]
    for measure in ("backend", "trials", "failed", "pruned", "best@5", "to 0.5", "time s"):
        assert any(line.startswith(f"│ {measure} ") for line in lines), measure
    trials_row = next(line for line in lines if line.startswith("│ trials "))
    assert [cell.strip() for cell in trials_row.strip("│").split("│")] == ["trials", "40", "25", "25"]
    assert drawn_pixels(tmp_path / "c.png") > 200
    assert (tmp_path / "c.html").read_text().count("<tr class=") == 3


def test_compare_refuses_searches_of_different_problems(searches, cli):
    out = cli("compare", "random.json", "two.json", cwd=searches)
    assert out.returncode == 2 and "different directions" in out.stderr and out.stderr.count("\n") == 1


def test_write_png_is_one_call_for_a_search_result(searches, tmp_path):
    write_png(SearchResult.load(searches / "optuna.json"), tmp_path / "demo.png")
    assert drawn_pixels(tmp_path / "demo.png") > 500
