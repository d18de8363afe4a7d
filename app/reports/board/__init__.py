"""The board report: one printable document per scope, in Dutch or English, built from the same reports (and so
through the same protection) as the API and the dashboard, rendered to PDF by headless Chromium."""
