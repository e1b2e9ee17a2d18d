"""The payments area's cohort-on-sale fixtures, shared with the bad-input tests."""

from tests.payments.conftest import billing, cohort, live_product  # noqa: F401
