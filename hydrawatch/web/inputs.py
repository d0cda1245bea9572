"""Request-body types for the JSON API. Every string is checked to be storable text: no NUL
character (PostgreSQL refuses it) and no lone surrogate (not encodable as UTF-8), so bad
input gets a 422 naming the field instead of a database error."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field


def storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


def short(n: int):
    return Annotated[str, Field(max_length=n), AfterValidator(storable)]


Name = short(255)
Text = short(10_000)


class Credentials(BaseModel):
    name: Name
    password: short(1024)


class VoteIn(BaseModel):
    verdict: Literal["confirm", "reject", "unsure"]
    category: Name | None = None
    evidence_ids: list[Annotated[int, Field(ge=1, le=2**62)]] = Field(default_factory=list,
                                                                      max_length=200)
    note: Text | None = None


class CommentIn(BaseModel):
    text: short(5000)


class NextIn(BaseModel):
    platform: short(32) | None = None
    lang: short(16) | None = None
    category: short(64) | None = None


class OrgIn(BaseModel):
    name: Name


class OrgMediaIn(BaseModel):
    blur: bool
    greyscale: bool


class UserIn(BaseModel):
    name: Name
    org: Name
    role: Literal["contributor", "reviewer", "admin"]
    password: short(1024) | None = None


class RoleIn(BaseModel):
    role: Literal["contributor", "reviewer", "admin"]
    active: bool = True


class DecisionIn(BaseModel):
    decision: Literal["uphold", "delist"]
    note: Text


class AppealIn(BaseModel):
    account: short(300)
    contact: short(500)
    text: Text


class MediaIn(BaseModel):
    blur: bool | None = None
    greyscale: bool | None = None
