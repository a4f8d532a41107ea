"""An experiment's own folder, straight from `caresim experiment --report`, makes a full report."""

import pandas as pd

from caresim.outputs.formatting import format_interval
from caresim.outputs.plots.sweeps import response_curves, sweep_design
from caresim.outputs.results import open_result
from tests.conftest import ROOT


def test_a_sweep_experiment_reports_its_response_curves_and_comparison(cli, write_config, tmp_path):
    experiment = write_config(
        f"""\
        name: staffing
        base: {ROOT / "configs/validation/mm3.yaml"}
        set:
          run.horizon: 2000 hours
        seed: 3
        replications: 3
        measures: [system.clinic.wait_mean]
        sweep:
          kind: one_at_a_time
          parameters:
            staff.clinicians.headcount: [4, 5]
        """,
        "staffing.yaml",
    )
    out = tmp_path / "out"
    code, stdout, stderr = cli("experiment", experiment, "--out", out, "--workers", "1", "--report")
    assert code == 0, stderr
    assert "Report in" in stdout
    html = (out / "report.html").read_text(encoding="utf-8")
    figures = {p.stem for p in (out / "figures").glob("*.png")}
    assert {"comparison", "response_staff_clinicians_headcount", "tornado"} <= figures
    assert html.count("data:image/png;base64,") >= len(figures)
    # The baseline sets nothing, so its headcount (3) comes from the base config: it is the
    # first point of the response curve (drawn again here, as the report drew it, for its data).
    result = open_result(out)
    design = sweep_design(result.scenario_settings, result.baseline, result.config())
    figures = {f.name: f for f in response_curves(result.summary, design, tmp_path / "again")}
    curve = figures["response_staff_clinicians_headcount"].data
    waits = curve[(curve["measure"] == "wait_mean") & (curve["group"] == "clinic")]
    assert sorted(zip(waits["x"], waits["scenario"], strict=True))[0] == (3.0, "baseline")
    assert list(waits.sort_values("x")["mean"]) == sorted(waits["mean"], reverse=True)


def test_the_report_opens_with_the_named_measures_by_scenario_with_paired_intervals(
    cli, write_config, tmp_path
):
    from html.parser import HTMLParser

    experiment = write_config(
        f"""\
        name: clinic_staffing
        description: One more or one fewer clinician in the M/M/3 clinic.
        base: {ROOT / "configs/validation/mm3.yaml"}
        set:
          run.horizon: 1500 hours
        seed: 5
        replications: 4
        measures: [system.clinic.wait_mean, system.clinicians.utilisation]
        scenarios:
          four: {{staff.clinicians.headcount: 4}}
          five: {{staff.clinicians.headcount: 5}}
        """,
        "clinic.yaml",
    )
    out = tmp_path / "out"
    code, _, stderr = cli("experiment", experiment, "--out", out, "--workers", "1", "--report")
    assert code == 0, stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<title>clinic_staffing: simulation experiment report</title>" in page

    class Tables(HTMLParser):
        """Each table's rows of cell texts, and whether it sits in a folded part."""

        def __init__(self):
            super().__init__()
            self.tables, self.folded, self.row, self.cell = [], 0, None, None

        def handle_starttag(self, tag, attrs):
            if tag == "details":
                self.folded += 1
            elif tag == "table":
                self.tables.append({"rows": [], "folded": self.folded > 0})
            elif tag == "tr":
                self.row = []
            elif tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag):
            if tag == "details":
                self.folded -= 1
            elif tag in ("td", "th") and self.row is not None:
                self.row.append(" ".join("".join(self.cell).split()))
                self.cell = None
            elif tag == "tr" and self.tables:
                self.tables[-1]["rows"].append(self.row)

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data + " ")

    parser = Tables()
    parser.feed(page)
    first = parser.tables[0]["rows"]
    header = first[0]
    assert header[0] == "scenario"
    assert "mean wait (hours)" in header[1] and "utilisation (proportion)" in header[2]
    assert [row[0] for row in first[1:]] == ["baseline (baseline)", "four", "five"]
    comparison = pd.read_csv(out / "comparison.csv")
    waits = comparison[comparison["measure"] == "wait_mean"].set_index("scenario")
    for row in first[2:]:
        difference = waits.loc[row[0]]
        assert format_interval(difference["ci_low"], difference["ci_high"]) in row[1]
        assert "lower: better" in row[1]  # more clinicians: shorter waits, beyond chance
    assert all(len(t["rows"]) <= 41 for t in parser.tables if not t["folded"])


def test_a_parameter_whose_values_are_policies_is_labelled_by_scenario_and_not_joined(
    cli, write_config, tmp_path
):
    """A response to a value that is not a number (here a whole service-time distribution, as
    total triage is a whole policy) names each point by its scenario, not by the value's text."""
    experiment = write_config(
        f"""\
        name: service_times
        base: {ROOT / "configs/validation/mm3.yaml"}
        set:
          run.horizon: 500 hours
        seed: 3
        replications: 2
        measures: [system.clinic.wait_mean]
        scenarios:
          fixed_times:
            services.clinic.duration: {{distribution: fixed, value: 1 hour}}
          gamma_times:
            services.clinic.duration: {{distribution: gamma, mean: 1 hour, sd: 0.5 hours}}
        """,
        "service_times.yaml",
    )
    out = tmp_path / "out"
    code, _stdout, stderr = cli("experiment", experiment, "--out", out, "--workers", "1")
    assert code == 0, stderr
    result = open_result(out)
    design = sweep_design(result.scenario_settings, result.baseline, result.config())
    figures = {f.name: f for f in response_curves(result.summary, design, tmp_path / "figures")}
    curve = figures["response_services_clinic_duration"].data
    waits = curve[(curve["measure"] == "wait_mean") & (curve["group"] == "clinic")]
    assert dict(zip(waits["scenario"], waits["label"], strict=True)) == {
        "fixed_times": "fixed_times",
        "gamma_times": "gamma_times",
    }


def test_staff_in_post_are_drawn_over_time_for_each_scenario_against_its_own_posts(
    cli, write_config, tmp_path
):
    """A workforce plan's headcount moves: the report draws each scenario's staff in post over
    time, and the posts it is drawn against are that scenario's (here, two more posts)."""
    from caresim.outputs.plots import posts_by_scenario
    from caresim.outputs.plots.timeseries import in_post_figure

    experiment = write_config(
        f"""\
        name: clinic_workforce
        base: {ROOT / "configs/validation/mm3.yaml"}
        set:
          run.horizon: 1 year
          arrivals.patients.rate: 1 per hour
          staff.clinicians.workforce: {{in_post: 3, leavers_per_year: 2, starters_per_year: 4, training_lag: 30 days}}
        seed: 4
        replications: 2
        measures: [system.clinic.wait_mean]
        scenarios:
          more_posts:
            staff.clinicians.headcount: 5
        """,
        "workforce.yaml",
    )
    out = tmp_path / "out"
    code, _stdout, stderr = cli("experiment", experiment, "--out", out, "--workers", "1")
    assert code == 0, stderr
    result = open_result(out)
    posts = posts_by_scenario(result)
    assert posts["baseline"]["clinicians"] == 3 and posts["more_posts"]["clinicians"] == 5
    figure = in_post_figure(
        result.timeseries, result.horizon_hours, result.warm_up_hours, posts, tmp_path / "f"
    )
    assert figure.png is not None
    lines = figure.data
    assert set(lines["scenario"]) == {"baseline", "more_posts"}
    for scenario, line in lines.groupby("scenario"):
        assert line["mean"].max() <= posts[scenario]["clinicians"]  # never more than the posts
        assert line["mean"].nunique() > 1  # people leave and join
    # With more posts to fill, recruits stay: more in post on average.
    means = lines.groupby("scenario")["mean"].mean()
    assert means["more_posts"] > means["baseline"]
