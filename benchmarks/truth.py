"""What the app should answer, computed in Python from every row, and the keyword mix the
benchmark searches for, drawn from the same rows.

Every live customer is read once (name and the columns the sort keys are made of) with
its contacts' names. A search matches by the rule of SPEC L1, as plain Python: the folded
keyword (customers.normalize.fold) is a substring of the folded name, or of a contact's
folded name on mine and shared, or the keyword is in the category's name. A list's order
is computed from the columns each sort key is made of (customers.sorting), names by their
stored pinyin key (customers.normalize.sort_name, checked against the names by the smoke
test) compared by code point as both databases compare them (SQLite always; PostgreSQL
under the C.UTF-8 collation the benchmark database is created with). Which customers a
list holds is the app's own answer (customers.querysets), tested elsewhere."""

import collections
from dataclasses import dataclass
from operator import attrgetter

from customers.models.customer import NEVER
from customers.normalize import fold

Row = collections.namedtuple(
    "Row",
    "id name folded sort_name category_id industry_id region_id owner_id created_at contacted_at",
)
# A sort key (customers.sorting) → its value in a row, as the database computes it.
SORT_VALUES = {
    "id": attrgetter("id"),
    "name": attrgetter("name"),
    "sort_name": attrgetter("sort_name"),
    "created_at": attrgetter("created_at"),
    "sort_category": lambda r: r.category_id or 0,
    "sort_industry": lambda r: r.industry_id or 0,
    "sort_region": lambda r: r.region_id or 0,
    "sort_owner": lambda r: r.owner_id or 0,
    "sort_status": lambda r: r.owner_id is not None,
    "sort_contacted": lambda r: r.contacted_at or NEVER,
}


class Truth:
    def __init__(self, lists, readable=None):
        """`lists`: list key → the queryset of the customers it holds. `readable`: list key
        → the queryset of those of them whose contacts a search may look at, where not all
        (a supervisor's shared list holds customers subordinates created, SPEC S2)."""
        from customers.models import Contact, Customer
        from settings_app.models import DictionaryItem

        columns = (
            "id name sort_name category_id industry_id region_id owner_id created_at "
            "last_contacted_at"
        ).split()
        self.rows = {
            values[0]: Row(values[0], values[1], fold(values[1]), *values[2:])
            for values in Customer.live.values_list(*columns).iterator(chunk_size=20_000)
        }
        contacts = Contact.objects.values_list("customer_id", "name").iterator(chunk_size=20_000)
        self.contacts = [(pk, fold(name)) for pk, name in contacts if pk in self.rows]
        # A category is found by its name in either language (customers.search).
        self.categories = {
            pk: names
            for pk, *names in DictionaryItem.objects.filter(kind="category").values_list(
                "pk", "name", "name_zh_hans"
            )
        }
        self.members = {
            key: sorted(rows.values_list("pk", flat=True).iterator(chunk_size=20_000))
            for key, rows in lists.items()
        }
        self.readable = {
            key: set(rows.values_list("pk", flat=True).iterator(chunk_size=20_000))
            for key, rows in (readable or {}).items()
        }
        self._orders = {}
        self._matches = {}
        self._texts = {}

    def order(self, key, sort):
        """The ids of list `key` in the order `sort` (core.keyset.Sort)."""
        cached = self._orders.get((key, sort))
        if cached is None:
            values = [SORT_VALUES[k] for k in sort.keys]
            rows = (self.rows[pk] for pk in self.members[key])
            ordered = sorted(rows, key=lambda r: tuple(v(r) for v in values))
            cached = [r.id for r in ordered]
            if sort.descending:
                cached.reverse()
            self._orders[(key, sort)] = cached
        return cached

    def matches(self, keyword, contacts):
        """The ids of every live customer a quick search for `keyword` finds."""
        cached = self._matches.get((keyword, contacts))
        if cached is None:
            typed = keyword.strip()
            folded = fold(typed)
            categories = {
                pk
                for pk, names in self.categories.items()
                if any(_icontains(typed, name) for name in names)
            }
            cached = {
                r.id
                for r in self.rows.values()
                if folded in r.folded or r.category_id in categories
            }
            if contacts:
                cached |= {pk for pk, name in self.contacts if folded in name}
            self._matches[(keyword, contacts)] = cached
        return cached

    def search(self, key, sort, keyword, contacts):
        """The ids list `key` shows for `keyword`, in the order `sort`."""
        found = self.matches(keyword, contacts)
        readable = self.readable.get(key)
        if contacts and readable is not None:
            found = self.matches(keyword, False) | (found & readable)
        return [pk for pk in self.order(key, sort) if pk in found]

    def occurs(self, folded, *, contacts):
        """Whether `folded` is in any customer's folded name (or any contact's)."""
        if not self._texts:
            self._texts[False] = "\n".join(r.folded for r in self.rows.values())
            self._texts[True] = "\n".join(name for _pk, name in self.contacts)
        return folded in self._texts[False] or (contacts and folded in self._texts[True])


def _icontains(keyword, text):
    """The category part of the rule, as the app asks the database (`icontains`)."""
    return keyword.casefold() in text.casefold()


# ---------------------------------------------------------------------------- keywords


@dataclass(frozen=True)
class Keyword:
    text: str
    kind: str


FREQUENCY_SAMPLE = 20_000  # names whose characters are counted


def _is_cjk(char):
    return "\u4e00" <= char <= "\u9fff"


def _latin_words(name):
    return [w for w in name.split() if w.isascii() and w.isalpha() and len(w) > 2]


class Drawer:
    """Draws keywords from the data. Each is drawn from the names (or contacts) of one
    list, the lists taking turns, so that mine and shared get keywords of their own
    customers too."""

    def __init__(self, truth, rng):
        self.truth, self.rng = truth, rng
        sample = rng.sample(truth.members["pool"], min(FREQUENCY_SAMPLE, len(truth.rows)))
        counts = collections.Counter(
            char for pk in sample for char in set(truth.rows[pk].name) if _is_cjk(char)
        )
        self.by_frequency = sorted(counts, key=lambda c: (-counts[c], c))

    def name(self, source, test):
        """A random name of list `source` that passes `test`, or None."""
        members = self.truth.members[source]
        for _try in range(500 if members else 0):
            name = self.truth.rows[self.rng.choice(members)].name
            if test(name):
                return name
        return None

    def char(self, source, band):
        """A character of the frequent 5 %, the middle third or the rare 10 %."""
        n = len(self.by_frequency)
        low, high = {
            "frequent": (0, max(1, n // 20)),
            "middling": (n // 3, 2 * n // 3 + 1),
            "rare": (n - max(1, n // 10), n),
        }[band]
        return self.rng.choice(self.by_frequency[low:high])

    def slice(self, source, length):
        def starts(name):
            return [
                i for i in range(len(name) - length + 1) if all(map(_is_cjk, name[i : i + length]))
            ]

        name = self.name(source, starts)
        if name is None:
            return None
        start = self.rng.choice(starts(name))
        return name[start : start + length]

    def whole_name(self, source):
        return self.name(source, bool)

    def mixed_case(self, source):
        name = self.name(source, _latin_words)
        if name is None:
            return None
        word = self.rng.choice(_latin_words(name))
        while True:
            mixed = "".join(self.rng.choice((c.lower(), c.upper())) for c in word)
            if mixed not in (word, word.lower(), word.upper()):
                return mixed

    def full_width(self, source):
        name = self.name(source, _latin_words)
        if name is None:
            return None
        return "".join(chr(ord(c) + 0xFEE0) for c in self.rng.choice(_latin_words(name)))

    def contact_only(self, source):
        """A contact's name (as typed) that is in no customer's name."""
        from customers.models import Contact

        members = self.truth.members[source]
        for _try in range(200 if members else 0):
            names = Contact.objects.filter(customer_id=self.rng.choice(members))
            name = self.rng.choice(list(names.values_list("name", flat=True)) or [""])
            if name and not self.truth.occurs(fold(name), contacts=False):
                return name
        return None

    def digits(self, source):
        name = self.name(source, lambda n: any(c.isdigit() for c in n))
        runs = "".join(c if c.isdigit() else " " for c in name or "").split()
        if not runs:
            return str(self.rng.randrange(10, 100_000))
        run = self.rng.choice(runs)
        start = self.rng.randrange(len(run))
        return run[start : self.rng.randrange(start + 1, len(run) + 1)]

    def absent(self, source):
        """Latin letters or Chinese characters in no name at all."""
        for _try in range(1000):
            if self.rng.random() < 0.5:
                text = "".join(self.rng.choice("bcdfghjkmnpqvwxz") for _ in range(6))
            else:
                text = "".join(chr(self.rng.randrange(0x4E00, 0x9FA6)) for _ in range(3))
            if not self.truth.occurs(fold(text), contacts=True):
                return text
        return None


# (kind, how many, how it is drawn): what people type, at least 40 keywords in all.
MIX = (
    ("1-char Chinese, frequent", 3, lambda d, source: d.char(source, "frequent")),
    ("1-char Chinese, middling", 3, lambda d, source: d.char(source, "middling")),
    ("1-char Chinese, rare", 3, lambda d, source: d.char(source, "rare")),
    ("2 characters of a name", 6, lambda d, source: d.slice(source, 2)),
    ("4 characters of a name", 5, lambda d, source: d.slice(source, 4)),
    ("a whole name", 4, Drawer.whole_name),
    ("Latin word, mixed case", 4, Drawer.mixed_case),
    ("Latin word, full width", 3, Drawer.full_width),
    ("a contact's name only", 6, Drawer.contact_only),
    ("digits", 3, Drawer.digits),
    ("absent", 3, Drawer.absent),
)


def draw_keywords(truth, rng):
    """The keyword mix, drawn by `rng` (random.Random) from the data; no two fold alike."""
    drawer = Drawer(truth, rng)
    sources = list(truth.members)
    keywords, seen = [], set()
    for kind, count, draw in MIX:
        drawn = 0
        for attempt in range(20 * count):
            if drawn == count:
                break
            text = draw(drawer, sources[(len(keywords) + attempt) % len(sources)])
            if text and fold(text) not in seen:
                seen.add(fold(text))
                keywords.append(Keyword(text, kind))
                drawn += 1
    return keywords
