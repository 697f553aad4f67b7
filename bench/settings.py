"""Settings for benchmark runs only: production settings plus the baseline URL.

Never used by the deployed portal: bench/run.py sets DJANGO_SETTINGS_MODULE to this
module for the gunicorn it starts against the throwaway benchmark database.
Everything else (DEBUG off, password hashers, middleware, static storage, sessions)
is exactly the production configuration read from the environment.
"""

from portal.settings import *  # noqa: F403
from portal.settings import REST_FRAMEWORK

# The bare-view baseline lives in a bench-only URL conf that includes the portal's.
ROOT_URLCONF = "bench.urls"

# Throttling still runs (its cache round trip is part of the measured cost), but the
# rates are raised so that a load run measures the view, not a wall of 429 answers.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "anon": "100000000/min",
        "user": "100000000/min",
        "lookup": "100000000/min",
        "lookup_code": "100000000/min",
    },
}

# Staff scenarios log in with a password only (a TOTP step cannot be scripted into
# wrk); the per-request second-factor check is one indexed query, not measured here.
STAFF_MFA_REQUIRED = False
