"""The browser dashboard served at ``/dashboard``: static HTML, CSS and ES modules over the JSON API.

Nothing here reads the ledger directly: the pages call ``/v1/...`` with the user's bearer token,
so roles and university scoping stay where the API enforces them.
"""
