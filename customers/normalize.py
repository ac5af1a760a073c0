"""Name keys for the duplicate check (SPEC C3) and folded text for substring search."""

import re
import unicodedata

# Longest first, so 股份有限公司 goes before 有限公司.
CJK_COMPANY_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "集团",
    "股份",
    "公司",
)
LATIN_COMPANY_WORDS = frozenset(
    {
        "co",
        "company",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "plc",
        "gmbh",
        "group",
    }
)
_SEPARATORS = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Full-width to half-width (NFKC) and case-folded: what search compares."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def name_key(name: str) -> str:
    """Two names with one key are the same customer: case, width, spaces, punctuation
    and trailing company-form words (有限公司, Co., Ltd. …) do not count."""
    words = [w for w in _SEPARATORS.split(fold(name)) if w]
    while len(words) > 1 and words[-1] in LATIN_COMPANY_WORDS:
        words.pop()
    key = "".join(words)
    stripped = True
    while stripped:
        stripped = False
        for suffix in CJK_COMPANY_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                stripped = True
                break
    return key
