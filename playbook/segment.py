"""Chinese word segmentation for the full-text indexes (rjieba: jieba's tokens, in Rust).

Both the index and the query go through the same segmenter, so a query finds
what the index holds. The index uses jieba's search mode, which adds the
shorter words inside a long one (客户经理 → 客户 经理 客户经理), so a
two-character query finds its word inside longer ones.

jieba's dictionary lacks a few of the handbook's terms (保证人 comes out as
保证 + 人, which made a guarantor look like a promise): they are added here,
before anything is segmented. Changing DOMAIN_WORDS changes the index: add a
migration that refills the word columns (see 0005).

A trainee asks in phrases (客户嫌利率太高怎么办): question words and particles
(STOPWORDS) say nothing about the subject and are dropped from the words a
query matches and highlights.

Text is brought to one form before it is segmented (`normalise`), the index's
and the query's alike: full-width Latin letters and digits become half-width
(ｍｅｎ → men, NFKC), traditional characters simplified (門衛 → 门卫, OpenCC).
Changing `normalise` changes the index: add a migration that refills the word
columns (see 0008).
"""

from __future__ import annotations

import re
import unicodedata

import opencc
import rjieba

DOMAIN_WORDS = (
    "保证人",
    "担保人",
    "实际控制人",
    "法定代表人",
    "押品",
    "代偿能力",
    "账户记录",
    "银行流水",
)
for _word in DOMAIN_WORDS:
    rjieba.add_word(_word, None, None)

# Question words, particles, pronouns and auxiliaries: how a question is asked,
# not what it is about.
STOPWORDS = frozenset(
    [
        "怎么",
        "怎么办",
        "怎么样",
        "怎样",
        "如何",
        "咋",
        "咋办",
        "为什么",
        "为何",
        "什么",
        "哪些",
        "哪里",
        "哪个",
        "几",
        "多少",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "嘛",
        "么",
        "哦",
        "了",
        "的",
        "地",
        "得",
        "着",
        "过",
        "能不能",
        "能否",
        "可不可以",
        "是不是",
        "要不要",
        "会不会",
        "有没有",
        "该不该",
        "能",
        "不能",
        "可以",
        "可否",
        "应该",
        "应当",
        "该",
        "要",
        "需要",
        "会",
        "想",
        "我",
        "我们",
        "你",
        "你们",
        "您",
        "他",
        "她",
        "他们",
        "它",
        "咱们",
        "自己",
        "人家",
        "是",
        "在",
        "和",
        "与",
        "跟",
        "同",
        "把",
        "被",
        "对",
        "给",
        "让",
        "向",
        "从",
        "为",
        "以",
        "及",
        "都",
        "就",
        "还",
        "也",
        "又",
        "很",
        "太",
        "再",
        "才",
        "更",
        "最",
        "挺",
        "这",
        "那",
        "这个",
        "那个",
        "这些",
        "那些",
        "这种",
        "那种",
        "一个",
        "一下",
        "一些",
        "些",
        "时",
        "时候",
        "好",
        "说",
        "做",
        "办",
        "去",
        "来",
        "有",
        "没有",
        "不",
        "没",
        "呢",
        "请问",
        "问",
    ]
)

# What both FTS5's unicode61 tokenizer and PostgreSQL's parser treat as one
# token: letters and digits (CJK included), never punctuation or "_".
_WORD = re.compile(r"[^\W_]+")


# OpenCC's own traditional → simplified tables (characters and phrases), in C++:
# a few microseconds for a query.
_TO_SIMPLIFIED = opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """`text` in the one form both the index and queries use: NFKC (full-width → half-width),
    then traditional → simplified characters."""
    return _TO_SIMPLIFIED.convert(unicodedata.normalize("NFKC", text))


def _words(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for token in tokens:
        out.extend(part.lower() for part in _WORD.findall(token))
    return out


def index_words(text: str) -> str:
    """The words of `text` for the index, space-separated."""
    if not text:
        return ""
    return " ".join(_words(rjieba.cut_for_search(normalise(text))))


def query_words(text: str) -> list[str]:
    """The distinct words of a query that say what it is about, in order."""
    if not text:
        return []
    words = _words(rjieba.cut(normalise(text)))
    return [w for w in dict.fromkeys(words) if w not in STOPWORDS]


def term_words(term: str) -> list[str]:
    """A term's words as the index holds them (a synonym may be several: 账户 记录)."""
    return list(dict.fromkeys(_words(rjieba.cut(normalise(term)))))


def text_tokens(text: str) -> list[str]:
    """The words of `text` as a reader reads them, in order (precise mode: 保证人 is not 保证)."""
    return _words(rjieba.cut(normalise(text or "")))
