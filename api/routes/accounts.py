"""Accounts and roles (beheer only): what ``/beheer`` does, for scripts."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from api.accounts import USERNAME_RE, AccountRole, User
from api.deps import AccountsDep, AdminDep, ReaderDep, StoreDep
from api.errors import ApiError
from api.schemas import Page, page

router = APIRouter(prefix="/accounts", tags=["accounts"])


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME_RE)
    password: str = Field(min_length=10, description="At least 10 characters")
    role: AccountRole
    wijken: list[str] = Field(default_factory=list, description="For a wijkmakelaar")


class RoleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: AccountRole
    wijken: list[str] = Field(default_factory=list)


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=10)


def _not_yourself(user: User, username: str, what: str) -> None:
    if user.username == username:
        raise ApiError(409, "own_account", f"You cannot {what} your own account")


@router.get("", response_model=Page[User])
def read_accounts(accounts: AccountsDep, reader: ReaderDep, user: AdminDep) -> Page[User]:
    """All accounts with their roles and wijken."""
    return page(accounts.list_users())


@router.post("", response_model=User, status_code=status.HTTP_201_CREATED)
def create_account(data: AccountIn, accounts: AccountsDep, store: StoreDep, user: AdminDep) -> User:
    """Create an account; 409 when the name is taken, 422 for a wijk that does not exist."""
    known = [w.slug for w in store.list_wijken()] if data.wijken else None
    return accounts.add_user(
        data.username, data.password, data.role, data.wijken, known_wijken=known
    )


@router.patch("/{username}", response_model=User)
def update_account(
    username: str, data: RoleIn, accounts: AccountsDep, store: StoreDep, user: AdminDep
) -> User:
    """Change an account's role and wijken (takes effect on its next request); 404 for an
    unknown account, 422 for a wijk that does not exist."""
    if data.role is not AccountRole.BEHEER:
        _not_yourself(user, username, "take the beheer role from")
    known = [w.slug for w in store.list_wijken()] if data.wijken else None
    return accounts.set_role(username, data.role, data.wijken, known_wijken=known)


@router.put("/{username}/password", status_code=status.HTTP_204_NO_CONTENT)
def set_password(username: str, data: PasswordIn, accounts: AccountsDep, user: AdminDep) -> None:
    """Set a new password; the account's sessions end."""
    accounts.set_password(username, data.password)


@router.delete("/{username}", status_code=status.HTTP_204_NO_CONTENT)
def delete_account(username: str, accounts: AccountsDep, user: AdminDep) -> None:
    """Delete an account, its API tokens and its sessions."""
    _not_yourself(user, username, "delete")
    accounts.delete_user(username)
