"""An experiment's own folder, straight from `caresim experiment --report`, makes a full report."""

from caresim.outputs.plots import draw_figures
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
    # first point of the response curve.
    figures = {f.name: f for f in draw_figures(open_result(out), targets={})}
    curve = figures["response_staff_clinicians_headcount"].data
    waits = curve[(curve["measure"] == "wait_mean") & (curve["group"] == "clinic")]
    assert sorted(zip(waits["x"], waits["scenario"], strict=True))[0] == (3.0, "baseline")
    assert list(waits.sort_values("x")["mean"]) == sorted(waits["mean"], reverse=True)
