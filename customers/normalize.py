"""Name keys for the duplicate check (SPEC C3), folded text for substring search and the
key names sort by."""

import functools
import re
import unicodedata

from pypinyin import lazy_pinyin
from pypinyin.seg import mmseg

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


SORT_NAME_MAX_LENGTH = 200
_SPACES = re.compile(r"\s+")
# Runs of Chinese characters (the unified ideographs, extension A, the compatibility ones).
_HAN_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")


@functools.lru_cache(maxsize=100_000)
def _word_pinyin(word):
    # Company names repeat their words (有限公司, 科技, 上海): each is read once, or the
    # reading would be most of an import's time (benchmark row "import 100,000 rows").
    return lazy_pinyin(word)


def sort_name(name: str) -> str:
    """What a list sorts names by: each Chinese character as its pinyin without tones, the
    rest folded, so 北京 (bei jing) ‹ 广州 ‹ 南京 ‹ 上海, and Acme sits beside 阿里 (a li), as
    Chinese users expect, where code points put every Latin name first and 上海 before 北京.
    A character is read by its word (重庆 chong qing, 重量 zhong liang), the words found by
    pypinyin's own segmenter. Names alike past the key's length, or read alike (张三, 章三),
    go by id."""
    parts = []
    for position, run in enumerate(_HAN_RUN.split(fold(name))):
        if position % 2:  # split() puts the captured Chinese runs at odd positions
            parts.extend(syllable for word in mmseg.seg.cut(run) for syllable in _word_pinyin(word))
        else:
            parts.append(run)
    return _SPACES.sub(" ", " ".join(parts)).strip()[:SORT_NAME_MAX_LENGTH]
