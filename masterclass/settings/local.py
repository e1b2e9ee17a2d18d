"""A developer's machine: SQLite by default, console email, the Razorpay sandbox."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
