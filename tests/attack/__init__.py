"""A randomised attacker against the report anonymity (issue 12; docs/anonymity.md).

`world` makes random organisations through the API and keeps the ground truth; `collect` reads every report in
every variant over HTTP; `figures` turns the answers into observations; `resolve` places every figure as a linear
equation over respondents by matching it against the ground truth; `search` looks exactly for groups of 1..k-1
respondents whose total (or, for groups by unit, layer and language, size) those equations give; `run` tells the
story of two waves and a reopening and collects the result. `python -m tests.attack` runs it bigger.
"""
