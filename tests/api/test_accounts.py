"""Accounts: argon2 passwords, lockout after failed logins, tokens, role checks."""

import pytest

from api.accounts import AccountRole, AccountStore, User
from graph.errors import Conflict, InvalidData


@pytest.fixture
def accounts():
    store = AccountStore(":memory:", max_failed=3, lockout_minutes=15)
    yield store
    store.close()


def test_password_is_hashed_with_argon2(accounts):
    accounts.add_user("anna", "een-lang-wachtwoord", "wijkmakelaar", ["daalhof"])
    stored = accounts._conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2") and "een-lang-wachtwoord" not in stored
    assert accounts.authenticate("anna", "een-lang-wachtwoord").wijken == ["daalhof"]
    assert accounts.authenticate("anna", "fout-wachtwoord") is None
    assert accounts.authenticate("niemand", "een-lang-wachtwoord") is None


def test_short_password_and_duplicate_name_are_refused(accounts):
    with pytest.raises(InvalidData):
        accounts.add_user("anna", "kort", "lezer")
    accounts.add_user("anna", "een-lang-wachtwoord", "lezer")
    with pytest.raises(Conflict):
        accounts.add_user("anna", "een-ander-wachtwoord", "beheer")


def test_account_locks_after_failed_logins(accounts):
    accounts.add_user("anna", "een-lang-wachtwoord", "lezer")
    for _ in range(3):
        assert accounts.authenticate("anna", "fout") is None
    assert accounts.is_locked("anna")
    # even the right password is refused while locked
    assert accounts.authenticate("anna", "een-lang-wachtwoord") is None


def test_tokens_are_stored_as_digests(accounts):
    accounts.add_user("anna", "een-lang-wachtwoord", "beheer")
    token = accounts.create_token("anna")
    assert accounts.user_for_token(token).role is AccountRole.BEHEER
    assert accounts.user_for_token(token + "x") is None
    digests = [r[0] for r in accounts._conn.execute("SELECT digest FROM tokens")]
    assert token not in digests


def test_role_rules():
    makelaar = User(username="anna", role="wijkmakelaar", wijken=["daalhof"])
    assert makelaar.may_write_in(["daalhof"])
    assert not makelaar.may_write_in(["daalhof", "nuth"])
    assert makelaar.may_write_any(["daalhof", "nuth"])
    lezer = User(username="lees", role="lezer")
    assert not lezer.may_write_in(["daalhof"]) and not lezer.may_see_contact
    beheer = User(username="baas", role="beheer")
    assert beheer.may_write_in(["nuth"]) and beheer.may_see_contact
