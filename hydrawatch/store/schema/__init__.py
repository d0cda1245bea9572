"""The SQL schema of the whole data model (DESIGN.md, "Data model").

Rows refer to accounts by their natural key ``(platform, account_id)`` rather than by a
surrogate foreign key: ingest streams records in any order (a post may arrive before its
author), so nothing has to be looked up on the hot path. The tables are created and
upgraded only by the Alembic migrations in ``store/migrations``.

The tables live in modules by concern (``observed``, ``people``, ``collect``); this
package exports them all, so ``from hydrawatch.store.schema import Account`` and
``schema.Account`` work as before.
"""

from hydrawatch.store.schema.base import Base, Id
from hydrawatch.store.schema.observed import (
    Account,
    Handle,
    Post,
    Media,
    Edge,
    Status,
    IngestedFile,
    PolicyPack,
    ScoreSignal,
    HashBank,
    BankHash,
    MediaMatch,
    PdqChecked,
)
from hydrawatch.store.schema.people import (
    Organization,
    User,
    GroupList,
    Case,
    CaseClaim,
    CaseComment,
    Nomination,
    Evidence,
    Review,
    Link,
    Report,
    Appeal,
    Publication,
    AuditEntry,
)
from hydrawatch.store.schema.collect import (
    Crawl,
    CrawlAccount,
    CrawlPage,
    CrawlLimit,
)

__all__ = [
    "Base",
    "Id",
    "Account",
    "Handle",
    "Post",
    "Media",
    "Edge",
    "Status",
    "IngestedFile",
    "PolicyPack",
    "ScoreSignal",
    "HashBank",
    "BankHash",
    "MediaMatch",
    "PdqChecked",
    "Organization",
    "User",
    "GroupList",
    "Case",
    "CaseClaim",
    "CaseComment",
    "Nomination",
    "Evidence",
    "Review",
    "Link",
    "Report",
    "Appeal",
    "Publication",
    "AuditEntry",
    "Crawl",
    "CrawlAccount",
    "CrawlPage",
    "CrawlLimit",
]
