"""Helpers shared by several test folders; imported as ``tests.support.<module>``.

- ``web``: accounts, passwords and a logged-in test client for the pages and the API.
- ``api``: a JSON API test client with one API token per role.
- ``importing``: stores, CSV and XLSX files and sample rows of the importer tests.
- ``neo4j_server``: the real Neo4j server the ``neo4j`` tests (and ``bench/``) run against.
- ``uitvraag``: the netwerkuitvraag's round store on either backend (``round_store``, the
  ``rounds`` fixture).
"""
