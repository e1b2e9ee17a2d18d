"""The masterclass site: a cohort-based course business end to end."""

__version__ = "0.1.0"
