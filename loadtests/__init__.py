"""Benchmarks and load tests (``ledger bench NAME``, ``locust -f loadtests/locustfile.py``).

Everything here targets loopback only and is bounded in time. See docs/performance.md.
"""
