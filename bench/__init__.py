"""Benchmark harness: data generator, scenarios and the load runner (see README.md)."""
