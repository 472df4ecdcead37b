"""Wiring of the service: settings, construction of the application and projections, the CLI."""
