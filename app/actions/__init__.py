"""Action plans: what a unit decided to do about a gap in one wave, and how its scores moved by the next wave."""
