"""Private parts of :mod:`kpikit.scorecard`, one job per module.

- ``targets``: read, derive (from benchmarks) and validate targets tables.
- ``status``: status names, colours and marks; the red/amber/green rule; weighted scores.
- ``ramp``: eased targets for new teams.
- ``credits``: SLA bonuses and penalties per status.
- ``trend``: change against the previous period and its significance.
- ``provisional``: FCR rows whose repeat window is still open (not rated as final).
- ``export``: text formatting, HTML, CSV and Excel output.

Import the public names from :mod:`kpikit.scorecard`.
"""
