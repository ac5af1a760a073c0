"""List and search reads from a PostgreSQL streaming replica (POOLCRM_REPLICA_URL), each
person still seeing their own changes at once. Without the setting nothing here runs.

Which reads. Only those of a view that opts in with ListReadsFromReplica: the list pages
(core.listing.FilteredListView) and the API's lists (the pool, mine, shared and recycle
bin; each record module's list), searches and combined queries included. Everything else
reads the primary: detail pages, forms, claims and every other write (with their
select_for_update), sign-in, the admin, exports, background jobs, and within a list any
read inside a transaction on the primary or after the request wrote.

Read-your-writes, by an exact rule rather than a timer. A request that wrote on the
primary (a statement other than a read seen on its connection, or an unsafe method that
succeeded) ends by reading the primary's WAL position, pg_current_wal_lsn(): with
synchronous_commit on (PostgreSQL's default, which poolcrm keeps) each of its commits is
written by then, so the position is at or past them. That is the person's stamp. A list
read uses the replica only once the replica has replayed up to the stamp
(pg_last_wal_replay_lsn(), one query, once per request); until then the primary. The
stamp is kept
- in a signed cookie on the answer, for a day: no query, good on every app server, but
  per browser: the person's other devices do not know of it;
- per person in the cache as well, when the cache is one every app server shares (Redis,
  the database): a script that keeps no cookies, and the person's other devices, are
  then covered too. The default cache lives in each process's memory, where the next
  request, served by another worker, would not find it: it is not used.
A client that sent neither the cookie nor a session cookie (a script with a token) may
have written a moment ago through another worker; unless a shared cache says otherwise,
its list reads use the replica only when the replica has caught up with the primary's
current position (one more query, on the primary). Exact for everyone; the price is that
such scripts read the primary while others are writing.

Stale for others. Someone else's change shows in a list once the replica has replayed it:
the replica's lag, milliseconds normally, unbounded if replay stops (watch
pg_stat_replication). A claim made from a stale list is still decided on the primary,
which refuses a customer someone else took.

Failures. A replica that does not answer, or is no longer a standby (promoted, or the URL
names a primary), is set aside for RETRY_SECONDS in this process and the primary serves,
with a warning in the log; a list read that fails on the replica midway is read again
from the primary. Failover of the primary is not automatic."""

import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, Error, connections

PRIMARY, REPLICA = DEFAULT_DB_ALIAS, "replica"
STAMP_COOKIE = "poolcrm_written"
STAMP_SALT = "poolcrm.replica.stamp"
STAMP_SECONDS = 24 * 3600
RETRY_SECONDS = 10
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# First words of the statements that change nothing; any other statement is taken as a write.
READ_STATEMENTS = frozenset({"SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET", "SHOW"})

logger = logging.getLogger("poolcrm.replica")
_list_reads = ContextVar("poolcrm_list_reads", default=None)
_set_aside_until = 0.0


def configured():
    return REPLICA in settings.DATABASES


def as_number(lsn):
    """A WAL position as PostgreSQL writes it ("16/B374D848") as a number; None if it is not one."""
    high, _slash, low = (lsn or "").partition("/")
    try:
        return (int(high, 16) << 32) + int(low, 16)
    except ValueError:
        return None


def _position(alias, function):
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT {function}()::text")
        return as_number(cursor.fetchone()[0])


def primary_position():
    """How far the primary has written its WAL: the end of every commit made so far. (The
    insert position would also cover commits with synchronous_commit off, but stands past
    the last record's end when that fell on a page's end, which a replica never reaches
    until the next write.)"""
    return _position(PRIMARY, "pg_current_wal_lsn")


def replica_position():
    """How far the replica has replayed; None when it is not a standby."""
    return _position(REPLICA, "pg_last_wal_replay_lsn")


def replica_failed():
    """Whether the replica's connection met an error (Django notes it on the connection)."""
    return connections[REPLICA].errors_occurred


def stamps_shared():
    """Whether the cache is one every app server and worker shares."""
    return not isinstance(caches["default"], LocMemCache | DummyCache)


def stamp_key(user):
    return f"poolcrm:replica:written:{user.pk}"


def set_aside(why):
    global _set_aside_until
    _set_aside_until = time.monotonic() + RETRY_SECONDS
    logger.warning(
        "The read replica %s: lists are read from the primary for the next %d s.",
        why,
        RETRY_SECONDS,
    )


def cookie_stamp(request):
    value = request.get_signed_cookie(
        STAMP_COOKIE, default=None, salt=STAMP_SALT, max_age=STAMP_SECONDS
    )
    return int(value) if value and value.isdigit() else None


def written_position(request):
    """The WAL position the replica must have replayed before `request`'s reader sees all
    they wrote; None when they wrote nothing the stamps know of (module docstring)."""
    from_cookie = cookie_stamp(request)
    stamps = [from_cookie]
    user = getattr(request, "user", None)
    shared = stamps_shared()
    if shared and user is not None and user.is_authenticated:
        stamps.append(caches["default"].get(stamp_key(user)))
    keeps_cookies = from_cookie is not None or settings.SESSION_COOKIE_NAME in request.COOKIES
    if not (keeps_cookies or shared):
        return primary_position()
    return max((stamp for stamp in stamps if stamp is not None), default=None)


def replica_has_replayed(request):
    """Whether the replica holds everything `request`'s reader wrote; False also when it
    cannot be used."""
    if time.monotonic() < _set_aside_until:
        return False
    try:
        replayed = replica_position()
    except Error as error:
        set_aside(f"did not answer ({error})")
        return False
    if replayed is None:
        set_aside("is not a standby replaying the primary (promoted, or not a replica)")
        return False
    needed = written_position(request)
    return needed is None or replayed >= needed


class ListReads:
    """A list read of one request: its reads go to the replica when it has replayed the
    reader's own changes, decided at the first read."""

    def __init__(self, request):
        self.request = request
        self.wrote = False
        self.on_replica = None

    def database(self, hints):
        if self.wrote or connections[PRIMARY].in_atomic_block:
            return None
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return None  # where the instance came from, as Django would choose
        if self.on_replica is None:
            self.on_replica = False  # the deciding reads themselves (a shared cache's) go first
            self.on_replica = replica_has_replayed(self.request)
        return REPLICA if self.on_replica else None


def read_lists(request, read):
    """`read()`, its reads from the replica when allowed; read again from the primary when
    the replica fails midway."""
    if not configured():
        return read()
    reads = ListReads(request)
    token = _list_reads.set(reads)
    try:
        return read()
    except Error as error:
        if not (reads.on_replica and replica_failed()):
            raise
        set_aside(f"failed during a list read ({error})")
    finally:
        _list_reads.reset(token)
    return read()


class ListReadsFromReplica:
    """A view whose GET reads a list: from the replica when there is one and it has
    replayed the reader's own changes."""

    def get(self, request, *args, **kwargs):
        view_get = super().get
        return read_lists(request, lambda: view_get(request, *args, **kwargs))


class ReplicaRouter:
    """DATABASE_ROUTERS with a replica: reads follow the list read in progress, if any;
    writes and migrations are the primary's."""

    def db_for_read(self, model, **hints):
        reads = _list_reads.get()
        return reads.database(hints) if reads is not None else None

    def db_for_write(self, model, **hints):
        reads = _list_reads.get()
        if reads is not None:
            reads.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA} else None

    def allow_migrate(self, db, app_label, **hints):
        return False if db == REPLICA else None


class WriteWatch:
    """A wrapper of the primary's statements: `wrote` once one may have changed something."""

    def __init__(self):
        self.wrote = False

    def __call__(self, execute, sql, params, many, context):
        if not self.wrote:
            words = sql.lstrip(" \t\n(").split(None, 1) if isinstance(sql, str) else ["?"]
            self.wrote = bool(words) and words[0].upper() not in READ_STATEMENTS
        return execute(sql, params, many, context)


def remember_write(request, response):
    """Stamps `response` (and, with a shared cache, the person) with the primary's position."""
    try:
        position = primary_position()
    except Error as error:
        logger.warning("The primary's WAL position could not be read after a write: %s", error)
        return
    response.set_signed_cookie(
        STAMP_COOKIE,
        str(position),
        salt=STAMP_SALT,
        max_age=STAMP_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    user = getattr(request, "user", None)
    if stamps_shared() and user is not None and user.is_authenticated:
        caches["default"].set(stamp_key(user), position, STAMP_SECONDS)


class RememberWrites:
    """Middleware, with a replica: the answer to a request that wrote carries its stamp."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        watch = WriteWatch()
        with connections[PRIMARY].execute_wrapper(watch):
            response = self.get_response(request)
        if watch.wrote or (request.method not in SAFE_METHODS and response.status_code < 400):
            remember_write(request, response)
        return response
