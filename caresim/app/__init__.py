"""The teaching app without the page: scenarios and their controls, runs, headline measures, the
comparison with the previous run, and the charts.

Every control becomes ``--set`` overrides for :func:`~caresim.config.files.load_config`, so a run in
the app is the run the command line makes with the same overrides, replication for replication.
"""

from caresim.app.charts import (
    CHARTS,
    ChartImage,
    care_pool,
    chart_images,
    draw_charts,
    tradeoff_figure,
    tradeoff_image,
    tradeoff_pools,
)
from caresim.app.controls import Control
from caresim.app.headlines import (
    Headline,
    admission_sources,
    comparison,
    comparison_rows,
    format_interval,
    format_value,
    headlines,
    metric_label,
    metric_value,
    signed_change,
)
from caresim.app.runs import TeachingRun, run_scenario
from caresim.app.scenarios import (
    SCENARIOS_VARIABLE,
    LessonPart,
    Scenario,
    lesson,
    load_scenarios,
    scenario_from_file,
    teaching_folder,
)

__all__ = [
    "CHARTS",
    "SCENARIOS_VARIABLE",
    "ChartImage",
    "Control",
    "Headline",
    "LessonPart",
    "Scenario",
    "TeachingRun",
    "admission_sources",
    "care_pool",
    "chart_images",
    "comparison",
    "comparison_rows",
    "draw_charts",
    "format_interval",
    "format_value",
    "headlines",
    "lesson",
    "load_scenarios",
    "metric_label",
    "metric_value",
    "run_scenario",
    "scenario_from_file",
    "signed_change",
    "teaching_folder",
    "tradeoff_figure",
    "tradeoff_image",
    "tradeoff_pools",
]
