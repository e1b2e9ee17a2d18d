"""Demo data for `manage.py load_demo` (settings.DEMO_STEPS). Must be idempotent."""


def load():
    """Nothing yet: this area's demo data is added with its features."""
