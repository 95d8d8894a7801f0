"""The store tests: the contract suite in ``contract.py``, one file per backend.

Each backend file (``test_sqlite.py``, ``test_neo4j.py``) supplies a ``store`` fixture that
yields a fresh, empty store and one class inheriting ``StoreContract``; the contract's tests
live once, in ``contract.py``.
"""

from __future__ import annotations

import pytest

# readable assertion failures in the contract, which is not a test_*.py file itself
pytest.register_assert_rewrite("tests.store.contract")


@pytest.fixture
def store():
    """Here the demo store of ``tests/conftest.py`` would be the wrong store: each backend
    file supplies its own fresh, empty one."""
    pytest.fail("a store test needs the `store` fixture of its backend file", pytrace=False)
