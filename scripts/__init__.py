"""Developer and build scripts (importable so tests can share their helpers)."""
