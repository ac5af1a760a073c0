"""The name search indexes: which customers (or contacts) may have a keyword in their
folded name, found from character pairs instead of reading every name (SPEC L1 at a
million customers).

Every folded name is indexed by its character pairs and, to find one-character keywords,
its last character alone: "abc" → "ab", "bc", "c". A keyword of two or more characters
can only be in a name that has every pair of the keyword, so the entries of its rarest
pair (and those of them also in the next rarest) are a superset of the answer; a
one-character keyword c is in a name exactly when some entry starts with c. A pair is
stored as the integer ord(a) × 0x110000 + ord(b) (ord(b) = 0 for a last character alone),
so "every entry starting with c" is an integer range on every database, whatever its
collation.

The index only nominates candidates: the search still compares the folded name
(customers.search), so a stale entry costs a wasted candidate, never a wrong answer. A
missing entry would lose a customer, so every save writes all the entries of the new
name, and `rebuild_search_index` rebuilds both indexes from the names."""

import itertools
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Max

from core import bulk

BASE = 0x110000  # one more than the largest code point
# At most this many of a keyword's pairs are probed for the rarest: every pair of a whole
# company name, and a bound on the work for a pasted paragraph.
MAX_PROBES = 32
# A pair with at most this many entries is rare enough to stop probing.
RARE_ENOUGH = 200
# How many candidates are compared to measure how many of them match.
SAMPLE = 500
# Candidates of which fewer than this share match are narrowed to those holding the next
# rarest pair too, when that pair has at most NEXT_RAREST times their entries.
TOO_FEW_MATCH = 0.5
NEXT_RAREST = 2
# Which of a keyword's pairs are the rarest is told by their entries among the rows of
# the newest SLICE ids (every row of a smaller company).
SLICE = 50_000


def gram_codes(text: str) -> set[int]:
    """The index entries of one folded name."""
    codes = {ord(a) * BASE + ord(b) for a, b in itertools.pairwise(text)}
    if text:
        codes.add(ord(text[-1]) * BASE)
    return codes


def keyword_ranges(folded: str) -> list[tuple[int, int]]:
    """Ranges [low, high) of entries; a name containing `folded` has an entry in each."""
    if len(folded) == 1:
        first = ord(folded) * BASE
        return [(first, first + BASE)]
    pairs = sorted({ord(a) * BASE + ord(b) for a, b in itertools.pairwise(folded)})
    if len(pairs) > MAX_PROBES:
        step = len(pairs) / MAX_PROBES
        pairs = [pairs[int(i * step)] for i in range(MAX_PROBES)]
    return [(code, code + 1) for code in pairs]


@dataclass(frozen=True)
class GramIndex:
    """The index of one kind of row (customers or contacts) by its `search_name`."""

    model_label: str  # the gram model, "customers.CustomerNameGram"
    owner: str  # its field naming the indexed row, "customer"

    def model_in(self, registry=None):
        """The gram model, from `registry` (a migration's historical apps) or the app's."""
        from django.apps import apps

        return (registry or apps).get_model(self.model_label)

    @property
    def model(self):
        return self.model_in()

    @property
    def source(self):
        """The indexed model (Customer, Contact)."""
        return self.model._meta.get_field(self.owner).related_model

    def newest_id(self):
        """The newest id of the indexed rows (0 when none): a bound on their number cheaper
        than a count."""
        return self.source._base_manager.aggregate(last=Max("pk"))["last"] or 0

    @property
    def owner_column(self):
        return self.model._meta.get_field(self.owner).column

    def entries(self, search_name: str) -> set[int]:
        """The entries (gram codes) of one row."""
        return gram_codes(search_name)

    # ------------------------------------------------------------------ keeping it

    def sync(self, pk, entries, previous=frozenset()):
        """Index row `pk` under `entries`. Writes every one (present ones are skipped), then
        drops those only `previous` had. Call it in the transaction that saved the row,
        after the save, so a concurrent rename of the same row waits for this one and then
        writes its own entries."""
        self.remove(pk, set(previous) - set(entries))
        column = self.owner_column
        rows = [self.model(gram=gram, **{column: pk}) for gram in entries]
        self.model.objects.bulk_create(rows, ignore_conflicts=True)

    def add_many(self, rows):
        """Index new rows at once: `rows` are the saved rows themselves (a bulk insert).
        Written as plain rows (core.bulk), not a model instance per entry: an import's
        chunk writes some 25 entries a customer, and building them as instances took most
        of its time (benchmarks/import_speed.py)."""
        model = self.model
        connection = connections[model.objects.db]
        entries = [(gram, row.pk) for row in rows for gram in self.entries(row.search_name)]
        columns = ["gram", self.owner_column]
        bulk.write_rows(connection, model._meta.db_table, columns, entries)
        for row in rows:
            row.indexed_search_name = row.search_name

    def remove(self, pk, entries):
        if entries:
            self.model.objects.filter(gram__in=entries, **{self.owner_column: pk}).delete()

    def rebuild(self, using=DEFAULT_DB_ALIAS, batch=50_000, registry=None, analyze=True):
        """Empty the index and index every row again (deleted customers too: the recycle
        bin is searched as well). Returns the number of entries written. `analyze`: then
        gather the statistics of the index and of the rows it names; a caller that
        analyzes every table afterwards (the benchmark's generator) passes False."""
        connection = connections[using]
        model = self.model_in(registry)
        source = model._meta.get_field(self.owner).related_model
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ["gram", model._meta.get_field(self.owner).column]
        written = 0
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")
            with _Loader(connection, cursor, table, columns) as loader:
                for chunk in _names(source, using, batch):
                    rows = [(gram, pk) for pk, name in chunk for gram in self.entries(name)]
                    loader.write(rows)
                    written += len(rows)
            if analyze:
                # Without statistics the planners guess: PostgreSQL planned a 50 ms search
                # into 700 ms until autovacuum came, SQLite (which never gathers them
                # alone) for good. The named rows were most likely loaded by hand too.
                for name in (table, connection.ops.quote_name(source._meta.db_table)):
                    cursor.execute(f"ANALYZE {name}")
        return written

    # ------------------------------------------------------------------ reading it

    def counts(self, bounds, cap, newest=None):
        """How many entries each range [low, high) of `bounds` holds, each counted no
        further than `cap`, in one query: a whole name has some 25 pairs, and a query for
        each cost a round trip each (benchmark rows of "a whole name"). `newest`: only
        those of the rows from that id on, each range one pair (so the index reads just
        those entries)."""
        connection = connections[self.model.objects.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        if newest is None:
            where, params = "gram >= %s AND gram < %s", [[lo, hi] for lo, hi in bounds]
        else:
            owner = connection.ops.quote_name(self.owner_column)
            where, params = f"gram = %s AND {owner} >= %s", [[lo, newest] for lo, _hi in bounds]
        one = f"SELECT 1 FROM {table} WHERE {where} LIMIT %s"
        columns = ", ".join(f"(SELECT COUNT(*) FROM ({one}) AS r{n})" for n in range(len(bounds)))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns}", [v for pair in params for v in (*pair, cap)])
            return cursor.fetchone()

    def rarest_two(self, bounds, limit):
        """[(entries, index)] of the two rarest ranges of `bounds` (one, when there is
        one), each counted no further than `limit` + 1. Of more than two pairs, which two
        is told by their entries among the rows of the newest SLICE ids, in one query:
        counting every pair in full read most of a long keyword's search (benchmark rows
        "a contact's name only")."""
        two = range(len(bounds))
        if len(bounds) > 2:
            sampled = self.counts(bounds, limit + 1, newest=self.newest_id() - SLICE)
            two = sorted(two, key=lambda index: sampled[index])[:2]
        found = self.counts([bounds[index] for index in two], limit + 1)
        return sorted(zip(found, two, strict=True))

    def lookup(self, folded: str, limit: int):
        """What the index says of `folded`: a Lookup, or None when even the keyword's
        rarest pair has more than `limit` entries (then reading the list in its own
        order and comparing names is cheaper)."""
        if not folded:
            return None
        entries = self.model.objects.all()
        bounds = keyword_ranges(folded)
        ranges = [entries.filter(gram__gte=lo, gram__lt=hi) for lo, hi in bounds]
        # First every pair up to RARE_ENOUGH, which costs little, so that a whole name's
        # one rare pair is found wherever it is (benchmark rows of "a whole name"); else
        # the two rarest of the common ones, in full.
        counted = sorted((n, index) for index, n in enumerate(self.counts(bounds, RARE_ENOUGH + 1)))
        if counted[0][0] > RARE_ENOUGH:
            counted = self.rarest_two(bounds, limit)
        found, rarest = counted[0]
        if found > limit:
            return None
        column = self.owner_column
        ids = ranges[rarest].values_list(column, flat=True)
        sample = list(ids[:SAMPLE])
        matching = self.source._base_manager.filter(pk__in=sample, search_name__contains=folded)
        share = matching.count() / len(sample) if sample else 0
        matches = found * share
        if (
            found > RARE_ENOUGH
            and share < TOO_FEW_MATCH
            and len(counted) > 1
            and counted[1][0] <= min(limit, NEXT_RAREST * found)  # counted in full
        ):
            # Most candidates hold the rarest pair but not the keyword: those that hold the
            # next rarest pair too are fewer, and reading the pair's entries costs less
            # than reading the rows they spare (benchmark rows "a contact's name only").
            ids = ids.intersection(ranges[counted[1][1]].values_list(column, flat=True))
            found = ids.count()
            sample = list(ids) if found <= RARE_ENOUGH else None
        # Few are read now, in one small query: the list's query then holds their ids,
        # which the planner sizes right, where a subquery it guesses at.
        return Lookup(
            ids=sample if found <= min(RARE_ENOUGH, SAMPLE) else ids,
            entries=found,
            matches=matches,
        )


@dataclass(frozen=True)
class Lookup:
    """The candidates of a keyword: `ids` (a list when few, else a subquery) are the
    `entries` of its rarest pair (or those also in the next rarest), of which about
    `matches` hold the keyword (measured on a sample of SAMPLE of the rarest pair's)."""

    ids: object
    entries: int
    matches: float


def _names(source, using, batch):
    """(pk, search_name) of every row of `source`, in chunks, by primary key."""
    rows = source._base_manager.using(using).order_by("pk")
    fields = ("pk", "search_name")
    last = None
    while True:
        page = rows if last is None else rows.filter(pk__gt=last)
        chunk = list(page.values_list(*fields)[:batch])
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]


class _Loader:
    """Bulk writes for a rebuild: COPY into the table without its primary key, which is
    built again at the end, on PostgreSQL; on SQLite a staging table whose rows go in
    sorted by the key, so the key's b-tree is written in order."""

    def __init__(self, connection, cursor, table, columns):
        self.connection, self.cursor = connection, cursor
        self.table = table
        self.columns = ", ".join(connection.ops.quote_name(c) for c in columns)
        self.postgres = connection.vendor == "postgresql"

    def __enter__(self):
        if self.postgres:
            self.cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'p'",
                [self.table],
            )
            self.key = self.cursor.fetchone()
            self.cursor.execute(f'ALTER TABLE {self.table} DROP CONSTRAINT "{self.key[0]}"')
        else:
            self.cursor.execute(
                f"CREATE TEMP TABLE gram_staging AS SELECT {self.columns} FROM {self.table} WHERE 0"
            )
        return self

    def write(self, rows):
        if self.postgres:
            raw = self.cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        elif rows:
            marks = ", ".join(["%s"] * len(rows[0]))
            self.cursor.executemany(f"INSERT INTO gram_staging VALUES ({marks})", rows)

    def __exit__(self, kind, value, traceback):
        if kind is not None:
            return False
        if self.postgres:
            name, definition = self.key
            self.cursor.execute(f'ALTER TABLE {self.table} ADD CONSTRAINT "{name}" {definition}')
        else:
            self.cursor.execute(
                f"INSERT INTO {self.table} ({self.columns}) "
                f"SELECT {self.columns} FROM gram_staging ORDER BY {self.columns}"
            )
            self.cursor.execute("DROP TABLE gram_staging")
        return False


CUSTOMER_NAMES = GramIndex("customers.CustomerNameGram", "customer")
CONTACT_NAMES = GramIndex("customers.ContactNameGram", "contact")
