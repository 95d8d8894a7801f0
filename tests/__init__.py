"""wijknet's tests: one folder per package (see docs/architecture.md, "Tests")."""
