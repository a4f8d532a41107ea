"""caresim from Python: how much does a fourth clinician shorten the wait of the M/M/3 queue?

Run from the repository's folder:  python docs/api_example.py
"""

import caresim

for clinicians in (3, 4):
    scenario = caresim.load(
        "configs/validation/mm3.yaml",
        [f"staff.clinicians.headcount={clinicians}", "run.horizon=20000 hours"],
    )
    results = caresim.run(scenario, replications=5, seed=1, workers=2)
    wait = results.summary.query("group == 'clinic' and measure == 'wait_mean'").iloc[0]
    print(
        f"{clinicians} clinicians: mean wait {wait['mean']:.2f} {wait['unit']} "
        f"(95% interval {wait['ci_low']:.2f} to {wait['ci_high']:.2f}), "
        f"{len(results.replications['replication'].unique())} replications"
    )
