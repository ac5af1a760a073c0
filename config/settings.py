"""Settings, driven by the environment so one file serves a laptop trial and a team server.

DATABASE_URL unset means the embedded SQLite file under var/.
"""

import datetime
import importlib.util
import ipaddress
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("POOLCRM_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("POOLCRM_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("POOLCRM_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # The development key is public: sessions and password resets signed with it
        # could be forged by anyone who read this file.
        raise ImproperlyConfigured(
            "POOLCRM_SECRET_KEY is not set. With POOLCRM_DEBUG=0 poolcrm needs a secret "
            "key of its own: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
ALLOWED_HOSTS = os.environ.get("POOLCRM_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

# Behind HTTPS (POOLCRM_HTTPS=1): cookies only over HTTPS, plain HTTP redirected, browsers
# told to use HTTPS for a year, and the proxy's X-Forwarded-Proto trusted.
HTTPS = os.environ.get("POOLCRM_HTTPS", "0") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if HTTPS and host]
# An API token lasts this long from its issue (DELETE /api/auth/token/ ends it sooner).
TOKEN_LIFETIME = datetime.timedelta(days=int(os.environ.get("POOLCRM_TOKEN_DAYS", "30")))
# API tokens (django-rest-knox): stored only as a hash, each with its expiry; a person may
# hold several (one per script or device), each ended on its own or all at once.
REST_KNOX = {"TOKEN_TTL": TOKEN_LIFETIME, "AUTH_HEADER_PREFIX": "Token"}
# A signed-in session lasts this long (not 14 days).
SESSION_COOKIE_AGE = int(os.environ.get("POOLCRM_SESSION_HOURS", "12")) * 3600
# A page session unused this long ends (org.middleware.IdleSessionMiddleware); 0: never.
SESSION_IDLE_MINUTES = int(os.environ.get("POOLCRM_SESSION_IDLE_MINUTES", "120"))

INSTALLED_APPS = [
    "org.apps.SuperusersAdminConfig",  # Django admin, for superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "django_htmx",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "org",
    "settings_app",
    "notifications",
    "dashboard",
    "customers",
    "records",
    "activities",
    "sales",
    "attachments",
    "audit",
    "transfers",
    "django_tasks",
    "django_tasks_db",
    "django_prometheus",
    "ops",
]

MIDDLEWARE = [
    # First: one JSON line per request, timing and answering everything below (ops/access.py).
    "ops.access.AccessLogMiddleware",
    # The request's id (X-Request-ID, in its audit rows and log lines), for every answer.
    "audit.context.RequestContextMiddleware",
    # /healthz, /readyz and /metrics, before the host check and the HTTPS redirect.
    "ops.endpoints.OpsEndpoints",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.BodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "org.middleware.TwoFactorMiddleware",
    "core.middleware.UserTimeZoneMiddleware",
    "core.middleware.PrivateResponsesMiddleware",
    "settings_app.per_request.ReadOncePerRequest",
    "django.contrib.messages.middleware.MessageMiddleware",
    "org.middleware.IdleSessionMiddleware",  # after messages: it says why you are out
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "org.password_checks.BusyAnswer",
    "csp.middleware.CSPMiddleware",
    # Last: requests and latencies per view, for /metrics.
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# Django's ModelBackend; the user of each request comes with their roles (org/backends.py).
# ModelBackend itself is not listed beside it: Django asks every backend in turn, so each
# wrong password was hashed twice (benchmarks/login_flood.py counted the hasher's calls).
AUTHENTICATION_BACKENDS = [
    # First: a locked-out name or address is refused before any password is hashed.
    "axes.backends.AxesStandaloneBackend",
    "org.backends.UserWithRolesBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

SQLITE_PATH = VAR_DIR / "poolcrm.sqlite3"
POSTGRESQL = "django.db.backends.postgresql"


def database(url):
    """The Django database settings a DATABASE_URL names.

    PostgreSQL connections are kept for the next request (CONN_MAX_AGE seconds, 60 unless
    set): opening one per request held the load run's throughput back (benchmarks/
    RESULTS.md, "Reading the load rows"). Django's health check tests a kept connection before a
    request uses it, so one the server dropped (a PostgreSQL restart) is replaced instead
    of failing that request. SQLite opens a file, which costs little: 0 unless set.
    """
    config = dj_database_url.parse(url, conn_health_checks=True)
    default_age = "60" if config["ENGINE"] == POSTGRESQL else "0"
    config["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", default_age))
    return config


DATABASES = {"default": database(os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite ignores SELECT ... FOR UPDATE. BEGIN IMMEDIATE takes the write lock when a
    # transaction starts, WAL lets readers go on meanwhile, and the busy timeout makes a
    # second writer wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not the in-memory default: concurrent test threads need real locking.
    # One per process, so two test runs side by side never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

else:
    # No JIT: it compiles every plan whose estimate is high, such as the reports' grouped
    # readings, and took 590 ms of a 1,050 ms report at 1M (benchmark row "reports,
    # supervisor, all: ageing"); our queries are short, and planned well they read little.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    # One test database per process, so test runs side by side never collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

# A PostgreSQL streaming replica of DATABASE_URL: list and search reads go there once it has
# replayed the reader's own changes, everything else to the primary (core/replica.py).
REPLICA_URL = os.environ.get("POOLCRM_REPLICA_URL", "")
if REPLICA_URL:
    replica = database(REPLICA_URL)
    if {DATABASES["default"]["ENGINE"], replica["ENGINE"]} != {POSTGRESQL}:
        raise ImproperlyConfigured(
            "POOLCRM_REPLICA_URL names a PostgreSQL streaming replica of the PostgreSQL "
            "database DATABASE_URL names; with SQLite there is no replica to read from: unset "
            "POOLCRM_REPLICA_URL, or set DATABASE_URL=postgres://… and "
            "POOLCRM_REPLICA_URL=postgres://… (README, Read replica)."
        )
    # The primary's options, and a short wait for a replica that does not answer: the lists
    # then read the primary rather than hang.
    replica["OPTIONS"] = {
        **DATABASES["default"]["OPTIONS"],
        **replica.get("OPTIONS", {}),
        "connect_timeout": 2,
    }
    replica["TEST"] = {"MIRROR": "default"}  # tests read their one test database through it
    DATABASES["replica"] = replica
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
    # After sign-in is known, around everything that writes: stamps the answers to writes.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "core.replica.RememberWrites",
    )

AUTH_USER_MODEL = "org.User"

# Content-Security-Policy: scripts, styles, images and requests from this site only, no
# inline script or style (the templates hold none), no framing. The API's Swagger page
# writes its set-up inline and is left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/docs/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws its icons as data: SVG
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Sign-in throttling (django-axes) on every way in: the pages, Django admin, the API's
# token and session logins. After AXES_FAILURE_LIMIT failures for one username, or from
# one address, both are refused for the cool-off time; an administrator unlocks earlier
# on the settings pages (org/lockouts.py) or with `manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = int(os.environ.get("POOLCRM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("POOLCRM_LOGIN_LOCKOUT_MINUTES", "15"))
)
# Each comma-separated entry locks on its own; "+" joins what must match together. An
# office whose people all sign in from one address may prefer "username+ip_address", so
# one person's typos never lock their colleagues out.
AXES_LOCKOUT_PARAMETERS = [
    entry.split("+") if "+" in entry else entry
    for entry in os.environ.get("POOLCRM_LOGIN_LOCK_BY", "username,ip_address").split(",")
]
AXES_RESET_ON_SUCCESS = True
# The client's address behind our reverse proxies (POOLCRM_TRUSTED_PROXIES): the
# connection's would be nginx's 127.0.0.1 for everyone, so one person's wrong passwords
# would lock the whole company out.
AXES_CLIENT_IP_CALLABLE = "ops.addresses.client_ip"
AXES_LOCKOUT_CALLABLE = "core.lockout.locked_out"
AXES_VERBOSE = False
# Password checks at once on this machine, across its workers, and how long a sign-in
# waits for a free turn before it is refused with 429 (org/password_checks.py): hashing
# then never takes more than this many cores from everyone else.
PASSWORD_CHECKS_AT_ONCE = int(os.environ.get("POOLCRM_PASSWORD_CHECKS_AT_ONCE", "1"))
PASSWORD_CHECK_WAIT_SECONDS = float(os.environ.get("POOLCRM_PASSWORD_CHECK_WAIT_SECONDS", "1"))

# Two-factor sign-in (django-otp, org/two_factor.py): an authenticator app's code after the
# password, for whoever turns it on, and for administrators when the system settings say.
# A wrong code slows the next tries down (django-otp's throttling).
OTP_TOTP_ISSUER = "poolcrm"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("POOLCRM_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Static files (the API docs' Swagger UI among them) come from the installed packages
# through WhiteNoise: nothing is fetched from the internet, no collectstatic step needed.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

# Background jobs (imports, long exports): Django's tasks API (the django-tasks backport).
# POOLCRM_TASKS=database (default): kept in the database, run by `manage.py db_worker`
# (`make run` starts one beside it). POOLCRM_TASKS=rq: kept in Redis at POOLCRM_REDIS_URL,
# run by `manage.py rqworker` (RQ through django-rq; the `rq` extra installs them).
TASKS_BACKEND = os.environ.get("POOLCRM_TASKS", "database")
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "rq":
    if importlib.util.find_spec("django_tasks_rq") is None:
        raise ImproperlyConfigured(
            "POOLCRM_TASKS=rq needs the RQ packages: .venv/bin/pip install -e '.[rq]'"
        )
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # DEFAULT_TIMEOUT -1: no time limit on a job, as under db_worker (RQ stops one at 180 s).
    RQ_QUEUES = {
        "default": {
            "URL": os.environ.get("POOLCRM_REDIS_URL", "redis://127.0.0.1:6379/0"),
            "DEFAULT_TIMEOUT": -1,
        }
    }
    # The job class the tasks need (django-tasks-rq's), so a plain `rqworker` runs them.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
else:
    raise ImproperlyConfigured(
        f"POOLCRM_TASKS={TASKS_BACKEND!r} is not a job backend poolcrm knows: "
        "use 'database' (the default) or 'rq'."
    )
# Notifications (issue 17) also by email, to those with an address, when set to 1, through
# the SMTP server POOLCRM_EMAIL_HOST names (without one, Django's console backend prints
# them). POOLCRM_SITE_URL makes the links in them whole.
NOTIFICATION_EMAILS = os.environ.get("POOLCRM_NOTIFICATION_EMAILS", "0") == "1"
SITE_URL = os.environ.get("POOLCRM_SITE_URL", "").rstrip("/")
EMAIL_HOST = os.environ.get("POOLCRM_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("POOLCRM_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("POOLCRM_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("POOLCRM_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("POOLCRM_EMAIL_TLS", "1") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("POOLCRM_EMAIL_FROM", "poolcrm@localhost")
# /readyz wants a background-job worker seen within this many seconds: one that ran the
# heartbeat job, queued twice in that time below (ops/workers.py says why a job).
WORKER_SEEN_SECONDS = int(os.environ.get("POOLCRM_WORKER_SEEN_SECONDS", "60"))
# Periodic jobs, queued by `manage.py schedule` for the workers: (task, every so many minutes).
PERIODIC_TASKS = [
    ("ops.tasks.heartbeat", WORKER_SEEN_SECONDS / 120),
    ("customers.tasks.sweep_pool", int(os.environ.get("POOLCRM_SWEEP_MINUTES", "60"))),
    # Each run counts today again, so the day's last run stands (dashboard.snapshots).
    ("dashboard.tasks.snapshot_pools", int(os.environ.get("POOLCRM_SNAPSHOT_MINUTES", "60"))),
]
# Imports (transfers/): the largest file and the most rows one import takes.
IMPORT_MAX_MB = int(os.environ.get("POOLCRM_IMPORT_MAX_MB", "20"))
IMPORT_MAX_ROWS = int(os.environ.get("POOLCRM_IMPORT_MAX_ROWS", "200000"))
# Rows an import writes per transaction: a stopped worker loses at most this much work.
IMPORT_CHUNK_ROWS = int(os.environ.get("POOLCRM_IMPORT_CHUNK_ROWS", "2000"))
# Exports (transfers/): a list of more rows than this is written by a background job, whose
# file its requester may download for EXPORT_KEEP_HOURS; a shorter one streams at once.
EXPORT_STREAM_MAX_ROWS = int(os.environ.get("POOLCRM_EXPORT_STREAM_MAX_ROWS", "10000"))
EXPORT_KEEP_HOURS = int(os.environ.get("POOLCRM_EXPORT_KEEP_HOURS", "24"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "login"

# Lists (core.counting, customers.search): a total above COUNT_CAP shows as "More than
# 1,000"; a list of at most SEARCH_SHORT_LIST customers is searched by reading it whole; in
# a longer one a keyword whose rarest character pair names at most SEARCH_CANDIDATE_LIMIT
# customers is looked up through the name index, otherwise matched while reading the list.
COUNT_CAP = 1_000
SEARCH_SHORT_LIST = 5_000
SEARCH_CANDIDATE_LIMIT = 50_000

REST_FRAMEWORK = {
    # Token first: a call without credentials is answered 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.BoundedPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "poolcrm API",
    "DESCRIPTION": "Customer pool, my customers, shared customers and their records.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}


def _networks(variable, default):
    """The addresses and networks listed, comma-separated, in an environment variable."""
    text = os.environ.get(variable, default)
    try:
        return [
            ipaddress.ip_network(item.strip(), strict=False)
            for item in text.split(",")
            if item.strip()
        ]
    except ValueError as error:
        raise ImproperlyConfigured(
            f"{variable}={text!r}: {error}. List addresses or networks, comma-separated, "
            "e.g. 127.0.0.1,::1,10.0.0.0/8"
        ) from None


# Reverse proxies whose X-Forwarded-For is believed for the client's address in the access
# log and the metrics' allow list (ops/addresses.py); none by default: REMOTE_ADDR only.
TRUSTED_PROXIES = _networks("POOLCRM_TRUSTED_PROXIES", "")
# /metrics answers only these addresses (Prometheus on this machine by default), coming
# through no proxy that is not trusted, or a request with `Authorization: Bearer TOKEN`.
METRICS_ALLOW = _networks("POOLCRM_METRICS_ALLOW", "127.0.0.1,::1")
METRICS_TOKEN = os.environ.get("POOLCRM_METRICS_TOKEN", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line says which request it belongs to, who made it and from where.
    "filters": {"request": {"()": "audit.context.RequestLogFilter"}},
    "formatters": {
        "request": {
            "format": "%(asctime)s %(levelname)s %(name)s "
            "[request %(request_id)s user %(user)s ip %(ip)s] %(message)s"
        },
        "json": {"()": "ops.logs.JsonLineFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": "request",
        },
        # stderr, as the console's: under gunicorn, to the journal beside its own lines.
        "access": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    # One JSON line per request (ops.access.AccessLogMiddleware).
    "loggers": {"poolcrm.access": {"handlers": ["access"], "level": "INFO", "propagate": False}},
}
