"""Request and response schemas, named by role (``...Create`` in, ``...Public`` out)."""
