"""Sub-commands of ``ledger``; each module registers one (see service.cli)."""
