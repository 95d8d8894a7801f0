"""The shared state with SQLite: what ``api.shared`` picks, and the interfaces both
backends keep (the Neo4j side is in ``test_shared_neo4j.py``)."""

from __future__ import annotations

from api.accounts import AccountStore
from api.app import create_app
from api.mappings import MappingStore
from api.settings import Settings
from api.shared import open_shared
from api.uploads import PendingUploads
from tests.support.web import FAST_HASHER, PASSWORD


def test_sqlite_settings_keep_the_accounts_file_and_an_upload_folder(tmp_path):
    settings = Settings(
        database=f"sqlite:///{tmp_path / 'g.db'}",
        accounts_database=str(tmp_path / "accounts.db"),
        upload_dir=str(tmp_path / "uploads"),
    )
    shared = open_shared(settings, hasher=FAST_HASHER)
    try:
        assert type(shared.accounts) is AccountStore
        assert type(shared.mappings) is MappingStore
        assert type(shared.uploads) is PendingUploads
        assert shared.uploads.folder == tmp_path / "uploads"
        shared.accounts.add_user("anna", PASSWORD, "lezer")
    finally:
        shared.close()
    assert (tmp_path / "accounts.db").is_file()


def test_a_revoked_token_no_longer_logs_in():
    accounts = AccountStore(":memory:", hasher=FAST_HASHER)
    accounts.add_user("anna", PASSWORD, "beheer")
    token = accounts.create_token("anna")
    assert accounts.user_for_token(token).username == "anna"
    assert accounts.revoke_token(token) is True
    assert accounts.user_for_token(token) is None
    assert accounts.revoke_token(token) is False
    accounts.close()


def test_an_app_given_accounts_keeps_mappings_and_uploads_beside_them(tmp_path):
    accounts = AccountStore(":memory:", hasher=FAST_HASHER)
    app = create_app(Settings(upload_dir=str(tmp_path)), accounts=accounts)
    assert isinstance(app.state.uploads, PendingUploads)
    assert app.state.uploads.folder == tmp_path
    accounts.close()
