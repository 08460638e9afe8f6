"""The HTML reports in a real headless browser (Debian's chromium): they load with no console
message, plotly draws every plot, and a screenshot shows them drawn.

Chromium (the `chromium` fixture, tests/conftest.py) runs headless with a fresh profile folder
per run, which keeps runs apart. Its flags turn off background updates and sync, but they do not
keep it offline: Chromium still contacts its own services with them (harmless here). What the
tests check is the page's own: no link and no style from a search's text. Where chromium is not
installed the tests skip, except under CI, whose .ci/run installs it.
"""

import html
import re

import pytest
from PIL import Image

import hpcore
from hpcore.report import write_html


def plot_colours(screenshot):
    with Image.open(screenshot) as image:
        return image.convert("RGB").getcolors(maxcolors=1 << 24)


def test_a_report_loads_without_console_messages_and_draws_its_plots(searches, cli, chromium, tmp_path):
    page = tmp_path / "report.html"
    assert cli("show", searches / "random.json", "--html", page).returncode == 0
    messages, dom = chromium(page, "--dump-dom")
    assert messages == []
    plots = re.findall(r'<div id="plot-\d+"[^>]*class="[^"]*js-plotly-plot', dom)
    assert len(plots) == 5  # history, importance, and the three parameters, each drawn by plotly
    assert dom.count("<tr class=") == 40
    messages, _ = chromium(page, f"--screenshot={tmp_path / 'shot.png'}")
    assert messages == []
    colours = plot_colours(tmp_path / "shot.png")
    assert len(colours) > 100
    blue = sum(n for n, c in colours if abs(c[0] - 0x1F) < 40 and abs(c[1] - 0x77) < 40 and abs(c[2] - 0xB4) < 40)
    assert blue > 2000, "the best-so-far curve and importance bars are not drawn"


def test_a_comparison_page_loads_and_draws_one_curve_per_search(searches, cli, chromium, tmp_path):
    page = tmp_path / "compare.html"
    assert cli("compare", "random.json", "optuna.json", "--html", page, cwd=searches).returncode == 0
    messages, dom = chromium(page, "--dump-dom")
    assert messages == []
    assert dom.count('class="scatterlayer') == 1 and dom.count('class="trace scatter') == 2
    messages, _ = chromium(page, f"--screenshot={tmp_path / 'shot.png'}")
    assert messages == [] and len(plot_colours(tmp_path / "shot.png")) > 50


def test_the_console_check_sees_a_page_error(chromium, tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>")
    messages, _ = chromium(page, "--dump-dom")
    assert any("undefinedFunction is not defined" in m for m in messages)


def test_clicking_a_column_header_sorts_the_trials(searches, cli, chromium, tmp_path):
    page = tmp_path / "report.html"
    assert cli("show", searches / "random.json", "--html", page).returncode == 0
    clicked = tmp_path / "clicked.html"  # the report, with one click on "values" after it loads
    click = "<script>document.querySelectorAll('#trials th')[2].click();</script></body>"
    clicked.write_text(page.read_text().replace("</body>", click))
    messages, dom = chromium(clicked, "--dump-dom")
    assert messages == []
    rows = re.findall(r'<tr class="([\w ]+)"><td data-num="[^"]*">(\d+)</td><td>[^<]+</td><td data-num="([^"]*)">', dom)
    values = [float(v) for _, _, v in rows]
    complete = [v for v in values if v == v]
    assert len(rows) == 40 and complete == sorted(complete) and len(complete) < 40
    assert all(v != v for v in values[len(complete):])  # failed and pruned trials, with no value, last
    assert 'aria-sort="ascending"' in dom


HOSTILE = '<a href="https://example.invalid/">link</a> <span style="color:#ff0000">red</span>'


def test_a_search_s_text_in_the_report_is_text_no_link_and_no_style(chromium, tmp_path):
    """plotly reads pseudo-HTML in labels (`<a href>` becomes a live link, `<span style>` is kept):
    a parameter name, a choice, an error and the backend's name holding them are shown as written."""
    space = {HOSTILE: hpcore.Float(0, 1), "kind": hpcore.Categorical([HOSTILE, "plain"])}

    def objective(trial):
        if trial.number == 1:
            raise ValueError(HOSTILE)
        return trial.params[HOSTILE] + (trial.params["kind"] == HOSTILE)

    result = hpcore.search(objective, space, backend="random", n_trials=8, seed=1)
    result.backend = HOSTILE
    page = tmp_path / "report.html"
    write_html(result, page)
    messages, dom = chromium(page, "--dump-dom")
    assert messages == []
    assert dom.count("js-plotly-plot") >= 3  # drawn, with the name in titles, axes and tick labels
    assert not re.search(r"<a\b[^>]*example\.invalid", dom), "a search's text became a link"
    assert not re.search(r"<tspan\b[^>]*#ff0000", dom), "a search's text set a style"
    svg_text = [html.unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", dom)]
    assert any(HOSTILE in t for t in svg_text), "the name is not shown as written in the plots"


def test_the_report_marks_the_best_trial_and_draws_intermediate_values_in_chromium(chromium, tmp_path):
    def objective(trial):
        x = trial.suggest_float("learning_rate", 3e-4, 1e-2, log=True)
        for step in range(5):
            trial.report(abs(x - 3e-3) * 100 + 1 / (step + 1), step)
            if step == 2 and x > 6e-3:
                raise hpcore.TrialPruned()
        return abs(x - 3e-3) * 100

    result = hpcore.search(objective, None, backend="random", n_trials=20, seed=2)
    page = tmp_path / "report.html"
    write_html(result, page)
    messages, dom = chromium(page, "--dump-dom")
    assert messages == []
    best = result.best_trial.number
    svg_text = [html.unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", dom)]
    assert f"best: trial {best}" in svg_text  # the star's label, drawn by plotly
    assert "intermediate values (blue: the best trial; orange: pruned)" in svg_text
    curves = re.search(r'<div id="plot-2".*?</div></div></div>', dom, re.S).group()
    assert curves.count('class="trace scatter') == sum(1 for t in result.trials if t.intermediate) + 1  # a line each, and the stops
    assert f'<td>COMPLETE ★ best</td>' in dom and dom.count("★ best") == 1
