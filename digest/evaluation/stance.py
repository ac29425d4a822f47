"""The Arabic Fact-Checking and Stance corpus (Baly et al. 2018) as labelled stories.

Each `*.json` file is a claim with its retrieved articles, their URLs and stances. For clustering and
conflict evaluation, the articles of one claim that are not `unrelated` form one story; an article whose
URL was already seen (under any claim) is dropped, so that each page counts once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from digest.document import Article
from digest.errors import InputError


@dataclass(frozen=True)
class StanceArticle:
    article: Article
    claim_id: str
    stance: str  # agree | disagree | discuss
    rationale: str


@dataclass(frozen=True)
class StanceClaim:
    id: str
    claim: str
    fact: str
    articles: tuple[StanceArticle, ...]


def outlet_of(url: str) -> str | None:
    """The site's domain without `www.` (the best outlet name a bare URL gives)."""
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.") or None


def load_claims(folder: Path) -> list[StanceClaim]:
    """Every claim in `folder` (sorted by file name), with its related articles; repeated URLs dropped."""
    files = sorted(folder.glob("*.json"))
    if not files:
        raise InputError(f"no claim files (*.json) in {folder}")
    seen_urls: set[str] = set()
    claims = []
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        related = []
        for index, (text, url, stance, rationale) in enumerate(
            zip(data["article"], data["url"], data["stance"], data["rationale"], strict=True)
        ):
            if stance == "unrelated" or url in seen_urls:
                continue
            seen_urls.add(url)
            article = Article(id=f"{data['id']}-{index}", text=text, url=url, outlet=outlet_of(url), source=str(path))
            related.append(StanceArticle(article, data["id"], stance, str(rationale)))
        claims.append(StanceClaim(data["id"], data["claim"], data["fact"], tuple(related)))
    return claims
