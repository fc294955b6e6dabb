"""Chinese word segmentation for the full-text indexes (rjieba: jieba's tokens, in Rust).

Both the index and the query go through `words()`, so a query finds what the
index holds. The index uses jieba's search mode, which adds the shorter words
inside a long one (客户经理 → 客户 经理 客户经理), so a two-character query
finds its word inside longer ones.
"""

from __future__ import annotations

import re

import rjieba

# What both FTS5's unicode61 tokenizer and PostgreSQL's parser treat as one
# token: letters and digits (CJK included), never punctuation or "_".
_WORD = re.compile(r"[^\W_]+")


def _normalise(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for token in tokens:
        out.extend(part.lower() for part in _WORD.findall(token))
    return out


def index_words(text: str) -> str:
    """The words of `text` for the index, space-separated."""
    if not text:
        return ""
    return " ".join(_normalise(rjieba.cut_for_search(text)))


def query_words(text: str) -> list[str]:
    """The distinct words of a query, in order."""
    if not text:
        return []
    return list(dict.fromkeys(_normalise(rjieba.cut(text))))
