"""wijknet's doors: the FastAPI app (JSON API and pages) and the ``wijknet`` CLI."""
