"""The HTTP API (FastAPI): a thin translator between HTTP and the ledger's use cases and reads.

Routes translate requests into use-case calls on ``ledger.application.Ledger`` or queries on the
projections' read models; all domain outcomes become RFC 9457 problem documents in
:mod:`api.problems`, nowhere else.
"""
