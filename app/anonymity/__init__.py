"""Disclosure control that is not a report's: today the k-anonymous generalisation of the raw export
(`generalise`). Pure Python: it imports nothing from the web or database layers."""
