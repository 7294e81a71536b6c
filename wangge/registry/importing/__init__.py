"""Importing a county's population data (CSV or XLSX), all or nothing."""
