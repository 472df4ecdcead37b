"""Read side: read models following the event log, reports and exports (docs/projections.md)."""
