from tests.security.fixtures_data import *  # noqa: F403 - the personal-data fixtures
