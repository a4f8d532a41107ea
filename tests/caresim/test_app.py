"""The teaching app's page, through Streamlit's own test harness: a teacher picks a scenario, sets
its controls, runs it, changes a control and runs again, and sees the two runs compared."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from caresim.app import SCENARIOS_VARIABLE
from tests.conftest import ROOT

PAGE = ROOT / "caresim" / "app" / "page.py"


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.setenv(SCENARIOS_VARIABLE, str(ROOT / "configs" / "teaching"))
    page = AppTest.from_file(str(PAGE), default_timeout=240)
    page.run()
    assert not page.exception
    return page


def choose(app: AppTest, stem: str, days: float | None = None) -> AppTest:
    app.sidebar.selectbox(key="scenario").select(stem).run()
    if days is not None:
        app.sidebar.number_input(key=f"{stem}:run.horizon").set_value(days).run()
    assert not app.exception
    return app


def run(app: AppTest) -> AppTest:
    app.button(key="run").click().run()
    assert not app.exception, app.exception
    return app


def metric(app: AppTest, label: str):
    (found,) = [m for m in app.metric if m.label == label]
    return found


def test_a_teacher_picks_a_scenario_and_sees_only_the_controls_it_has(app):
    stems = app.sidebar.selectbox(key="scenario").options
    assert "practice queue" in stems and "whole system" in stems
    choose(app, "whole_system")
    numbers = {n.key for n in app.sidebar.number_input}
    sliders = {s.key for s in app.sidebar.slider}
    assert {"whole_system:staff.northside_gp.headcount", "whole_system:beds.ic_beds.capacity"} <= (
        numbers
    )
    assert {
        "whole_system:task_sharing.minor_illness",
        "whole_system:hospital.admission_avoidance.share",
        "whole_system:demand",
    } <= sliders
    assert "Set the controls in the sidebar, then press Run." in [i.value for i in app.info]

    choose(app, "pooling_siloed")
    assert len(app.sidebar.slider) == 0
    labels = [n.label for n in app.sidebar.number_input]
    assert "north nurses (practice nurse)" in labels and "north patients, per hour" in labels
    assert app.title[0].value == "pooling siloed"


def test_a_run_shows_the_headlines_and_a_changed_control_moves_them_and_is_compared(app):
    choose(app, "practice_queue")  # half a year: long enough for the intervals to part
    run(app)
    wait = metric(app, "Mean wait: triage (minutes)")
    before = float(wait.value)
    assert before > 10  # three clinicians 80% busy: patients queue
    assert metric(app, "Utilisation: clinicians").value.endswith("%")
    assert len(app.table) == 0
    tabs = [tab.label for tab in app.tabs]
    assert tabs == ["Waits", "Staff", "Trade-off", "Over time"]

    app.sidebar.number_input(key="practice_queue:staff.clinicians.headcount").increment().run()
    warnings = [w.value for w in app.warning]
    assert warnings == ["The controls have changed since this run: press Run to see their effect."]
    run(app)
    wait = metric(app, "Mean wait: triage (minutes)")
    assert float(wait.value) < before / 2  # a fourth clinician: the queue all but goes
    assert wait.delta.startswith("-")
    assert [w.value for w in app.warning] == []
    (table,) = app.table
    compared = table.value
    assert list(compared.index) == ["Mean wait: triage", "Utilisation: clinicians"]
    assert compared.loc["Mean wait: triage", "beyond chance?"] == "yes: a real change"
    assert any("Run 2 (practice_queue) against run 1" in m.value for m in app.markdown)


def test_the_command_line_shown_is_the_run_the_app_makes(app):
    choose(app, "hospital_ic_chain")
    app.sidebar.number_input(key="hospital_ic_chain:beds.rehab_beds.capacity").set_value(5).run()
    commands = [c.value for c in app.code]
    assert any(
        c.startswith("caresim run configs/teaching/hospital_ic_chain.yaml")
        and "--set beds.rehab_beds.capacity=5" in c
        for c in commands
    )


def test_an_invalid_combination_shows_one_line_and_no_traceback(app):
    choose(app, "practice_queue", days=3)  # shorter than the week of warm-up
    run(app)
    (error,) = app.error
    assert error.value.startswith("These settings do not make a valid scenario:")
    assert "warm-up shorter than the horizon" in error.value
    assert "\n" not in error.value and "Traceback" not in error.value
    assert len(app.metric) == 0


def test_the_trade_off_curve_follows_the_pool_chosen(app):
    choose(app, "hospital_ic_chain", days=150)
    run(app)
    (pools,) = [s for s in app.selectbox if s.label == "Staff or bed pool"]
    assert pools.options == ["rehab beds", "acute"]
    captions = [c.value for c in app.caption if c.value.startswith("Theory")]
    assert any("per day" in c for c in captions)  # rehabilitation waits are in days
    pools.select("acute").run()
    captions = [c.value for c in app.caption if c.value.startswith("Theory")]
    assert any("per hour" in c for c in captions)  # waits for an acute bed are in hours
    assert not app.exception


def test_with_no_staff_the_headline_is_a_dash_and_the_page_says_why(app):
    choose(app, "variability_random", days=40)
    app.sidebar.number_input(key="variability_random:staff.nurses.headcount").set_value(0).run()
    run(app)
    assert metric(app, "Mean wait: appointment (minutes)").value == "–"
    assert any(c.value.startswith("A dash: this run measured nothing") for c in app.caption)
    assert len(app.error) == 0


def test_the_comparison_shows_where_admissions_came_from(app):
    choose(app, "hospital_ic_chain", days=150)
    run(app)
    app.sidebar.number_input(key="hospital_ic_chain:beds.rehab_beds.capacity").increment().run()
    run(app)
    (table,) = app.table
    compared = table.value
    rows = list(compared.index)
    assert "Admitted via A&E" in rows
    assert rows.index("Emergency admissions") < rows.index("Admitted via A&E")
    assert "Admitted on a GP's referral" not in rows  # the chain has no general practice
    via_ae = compared.loc["Admitted via A&E"]
    assert via_ae["this run"].endswith("patients)") and via_ae["change (95% interval)"] != "–"
