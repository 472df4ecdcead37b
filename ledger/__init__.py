"""fundledger domain: events, aggregates, finance rules and the application service.

This package imports only the standard library and ``eventsourcing`` (checked by a test).
"""
