"""Django settings for dangbo.

Configuration comes from environment variables (documented in README.md, "Cấu hình"):

* ``DANGBO_DATA_DIR`` — where the SQLite file, uploads, static files and the generated secret key live
  (default ``./var`` under the current directory).
* ``DATABASE_URL`` — ``postgres://user@host:5432/name`` switches to PostgreSQL; unset means SQLite.
* ``DANGBO_SECRET_KEY``, ``DANGBO_DEBUG``, ``DANGBO_ALLOWED_HOSTS`` (comma separated).
* ``DANGBO_TASKS_BACKEND`` — where background jobs wait: "database" (default) or a Redis URL (see "Background jobs").
* ``DANGBO_REDIS_URL`` — cache and sessions in Redis, shared by several app servers (unset: in the database).
* Deployment: ``DANGBO_HTTPS``, ``DANGBO_HSTS_SECONDS``, ``DANGBO_TRUSTED_PROXIES``, ``DANGBO_CLIENT_IP_HEADER``,
  ``DANGBO_CSRF_TRUSTED_ORIGINS``, ``DANGBO_LOG_FORMAT``, ``DANGBO_LOG_LEVEL`` (see the section "Deployment" below).
"""

import os
import re
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("DANGBO_DATA_DIR", Path.cwd() / "var")).resolve()

# The data directory holds personal data (the database, uploads) and the secret key: everything this process
# creates is readable by its own user only, and the directory is closed to others even when it was created
# earlier with looser rights (files created before this are then out of reach through the directory).
os.umask(0o077)
DATA_DIR.mkdir(parents=True, exist_ok=True)
if DATA_DIR.stat().st_uid == os.getuid():
    DATA_DIR.chmod(0o700)


def _flag(name: str, default: str = "") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    if key := os.environ.get("DANGBO_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _flag("DANGBO_DEBUG")
ALLOWED_HOSTS = _list("DANGBO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # django-ninja: the JSON API; listed so that its docs page loads Swagger UI from the package's static files
    # (not from a CDN — ninja.openapi.docs.render_template).
    "ninja",
    "dangbo.core",
    "dangbo.accounts",
    "dangbo.audit",
    "dangbo.organizations",
    "dangbo.members",
    "dangbo.meetings",
    "dangbo.steering",
    "dangbo.evaluation",
    "dangbo.dues",
    "dangbo.reports",
    "dangbo.jobs",
    "dangbo.api",
    "dangbo.workspace",
    "dangbo.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files keep their long caching and are not logged; every page is.
    "dangbo.core.middleware.RequestIdMiddleware",
    "dangbo.core.middleware.RequestLogMiddleware",
    "dangbo.core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "dangbo.core.middleware.NFCMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dangbo.urls"
WSGI_APPLICATION = "dangbo.wsgi.application"

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
                "dangbo.workspace.context_processors.navigation",
                "dangbo.jobs.context_processors.navigation",
            ],
            "builtins": ["dangbo.core.templatetags.vn", "django.templatetags.l10n"],
        },
    }
]

_db_url = os.environ.get("DATABASE_URL")
if _db_url:
    DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=60)}
    if (
        DATABASES["default"]["ENGINE"].endswith("postgresql")
        and os.environ.get("DANGBO_PG_JIT", "off") != "on"
    ):
        # JIT compiles every aggregate over many rows anew on each run: +~75 ms per national count, never faster
        # for this workload (README "Hiệu năng"). Off for dangbo's own sessions, whatever the server's default;
        # DANGBO_PG_JIT=on leaves the server's setting (and ``dangbo check`` warns, dangbo.W002).
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        # An explicit ``options`` replaces libpq's PGOPTIONS: keep what the environment asks for too.
        _given = _options.get("options", os.environ.get("PGOPTIONS", ""))
        _options["options"] = f"-c jit=off {_given}".strip()  # a later -c jit=… in PGOPTIONS still wins
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "dangbo.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                    " PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the session's user with their role assignments in one statement (issue 19).
    # Sessions made before it named "django.contrib.auth.backends.ModelBackend": their users log in again.
    "dangbo.accounts.selectors.SessionUserBackend",
]
# Throttle repeated failed logins: 5 failures per username+IP lock that pair for 15 minutes. The IP is the
# client's real address, also behind a reverse proxy (DANGBO_TRUSTED_PROXIES, core/clientip.py).
AXES_FAILURE_LIMIT = int(os.environ.get("DANGBO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "dangbo.core.clientip.client_ip"
# Failures are rows of the database (AccessAttempt), which every app server shares: the lock holds whichever
# server a login is tried on. Named here so that it stays so (axes' cache handler would count per cache).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

# Cache and sessions, shared by every app server (README "Triển khai"). DANGBO_REDIS_URL set ("redis://host:6379/1"):
# the cache is Redis and sessions are read from it and written through to the database (cached_db: a restart of
# Redis logs nobody out). Unset: both in the database (a table created by migrate), so several app servers on one
# database share them with nothing more to run. Never the per-process memory cache: each gunicorn worker would
# see its own.
REDIS_URL = os.environ.get("DANGBO_REDIS_URL", "").strip()
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"DANGBO_REDIS_URL={REDIS_URL!r}: dùng địa chỉ Redis dạng 'redis://máy:6379/1'."
        )
    import importlib.util

    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured("DANGBO_REDIS_URL: cài thêm gói bằng `pip install 'dangbo[redis]'`.")
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                    "KEY_PREFIX": "dangbo", "OPTIONS": {"socket_connect_timeout": 3, "socket_timeout": 3}}
    }  # fmt: skip
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "dangbo_cache"}
    }
    SESSION_ENGINE = "dangbo.core.sessions"  # Django's database sessions, read without the ORM (issue 19)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "dangbo.core.errorviews.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["dangbo.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Deployment ---------------------------------------------------------------------------------------------------
# DANGBO_HTTPS=1 when users reach the site over HTTPS (directly or through a reverse proxy that terminates TLS):
# redirect http to https, HSTS, cookies only over https.
HTTPS = _flag("DANGBO_HTTPS")
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^suc-khoe/$"]  # the health check of a load balancer may ask over plain http
    SECURE_HSTS_SECONDS = int(os.environ.get("DANGBO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("DANGBO_HSTS_SUBDOMAINS", "1")
    SECURE_HSTS_PRELOAD = _flag("DANGBO_HSTS_PRELOAD")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# HSTS preloading is a decision about the whole domain (usually the parent organisation's), made by submitting it
# to the browsers' list, not a setting of this application: DANGBO_HSTS_PRELOAD=1 sends the directive.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The covering index of dues.DuesSheet (INCLUDE owed, paid, members) is PostgreSQL's; on SQLite it keeps its key
    # columns, which is all the small deployment needs — a warning on every command would ask for nothing.
    SILENCED_SYSTEM_CHECKS.append("models.W040")

# Reverse proxies in front of the application (addresses or networks, comma separated, e.g. "127.0.0.1" or
# "10.0.0.0/24"). Only a request that comes from one of them has its X-Forwarded-Proto and client-IP header
# believed; the login lock then counts failures per real client address.
TRUSTED_PROXIES = _list("DANGBO_TRUSTED_PROXIES")
CLIENT_IP_HEADER = "HTTP_" + os.environ.get("DANGBO_CLIENT_IP_HEADER", "X-Forwarded-For").upper().replace(
    "-", "_"
)
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Origins allowed to POST when the proxy changes the Host header, e.g. "https://dangbo.tinhuy.example.vn".
CSRF_TRUSTED_ORIGINS = _list("DANGBO_CSRF_TRUSTED_ORIGINS")

# Content-Security-Policy: scripts and styles only from our own static files — no inline script, no inline
# style, no eval (htmx is told not to insert its indicator style: base.html), nothing from other sites.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Logs: one structured line per record — key=value (DANGBO_LOG_FORMAT=text, the default) or JSON lines
# (DANGBO_LOG_FORMAT=json) — through the personal-data filter. One line per request (logger "dangbo.request":
# method, path without query string, status, duration, user id, request id) at INFO.
LOG_FORMAT = os.environ.get("DANGBO_LOG_FORMAT", "text").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {"()": "dangbo.core.logging.StructuredFormatter", "as_json": LOG_FORMAT == "json"},
    },
    "filters": {"redact": {"()": "dangbo.core.logging.RedactPersonalData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "structured", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DANGBO_LOG_LEVEL", "WARNING").upper()},
    "loggers": {
        # Never log request bodies: they may carry citizen IDs, addresses, phone numbers.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "dangbo.request": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Background jobs: started, done, failed (with the traceback — only here, never on the job page).
        "dangbo.jobs": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Page size of the member list and other long lists.
DANGBO_PAGE_SIZE = 50
# API tokens: the longest validity a user may give a new token (days).
DANGBO_API_TOKEN_MAX_DAYS = int(os.environ.get("DANGBO_API_TOKEN_MAX_DAYS", "365"))
# API calls per user: "<calls>/<period>" with the period s, m, h or d ("1000/h"); empty: no limit.
DANGBO_API_RATE_LIMIT = os.environ.get("DANGBO_API_RATE_LIMIT", "").strip()
if DANGBO_API_RATE_LIMIT and not re.fullmatch(r"\d+/\d*[smhd]", DANGBO_API_RATE_LIMIT):
    raise ImproperlyConfigured(
        f"DANGBO_API_RATE_LIMIT={DANGBO_API_RATE_LIMIT!r}: dạng «số lần/đơn vị», ví dụ «1000/h» (s, m, h, d)."
    )

# Directing work (steering). Uploaded documents and reports: at most this many MB each.
# core.db.StatementCache: compiled statements kept per process (a few kB each), least recently used dropped first.
DANGBO_STATEMENT_CACHE = int(os.environ.get("DANGBO_STATEMENT_CACHE", "2000"))
DANGBO_UPLOAD_MAX_MB = int(os.environ.get("DANGBO_UPLOAD_MAX_MB", "20"))
# Import files (core.imports): a province's members in one file (~250,000 rows, ~60 MB of XLSX) fits.
DANGBO_IMPORT_MAX_ROWS = int(os.environ.get("DANGBO_IMPORT_MAX_ROWS", "300000"))
DANGBO_IMPORT_MAX_MB = int(os.environ.get("DANGBO_IMPORT_MAX_MB", "100"))
# A congress target is "at risk" (not "behind") while its actual value is at least this share of the value
# expected at that date [U: no rule found; a setting].
DANGBO_TARGET_AT_RISK_RATIO = float(os.environ.get("DANGBO_TARGET_AT_RISK_RATIO", "0.9"))
# One support contribution above this value (đồng) is refused as a typing error.
DANGBO_CONTRIBUTION_MAX = int(os.environ.get("DANGBO_CONTRIBUTION_MAX", "10000000000"))
# The congress-target source "meetings graded good or fair" counts the levels of the grade scale (GradeLevel,
# data) whose rank is at most this (1 = highest): 2 = Tốt and Khá in the default scale.
DANGBO_GOOD_GRADE_RANK = int(os.environ.get("DANGBO_GOOD_GRADE_RANK", "2"))
# Reminders of a task's deadline start this many days before it.
DANGBO_TASK_REMINDER_DAYS = int(os.environ.get("DANGBO_TASK_REMINDER_DAYS", "7"))


def _json_titles(raw: str) -> dict[str, str]:
    """{key: text} from JSON (empty: {}); anything else is refused at start."""
    import json

    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
        if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
            raise ValueError
    except ValueError as error:
        raise ImproperlyConfigured(
            'DANGBO_EVALUATION_REGULATION_TITLES: cần JSON dạng {"qd366": "về …"} (xem bảng cấu hình của README).'
        ) from error
    return {str(k): " ".join(v.split()) for k, v in value.items()}


# Annual quality evaluation (dangbo.evaluation.rules): what the sources leave uncertain.
# HTXSNV ≤ this percent of those rated HTTNV, per rating authority [C under QĐ 132, I under QĐ 366]; the base counts
# those rated HTTNV ("httnv") or HTTNV and above ("httnv_tro_len").
DANGBO_EVALUATION_EXCELLENT_QUOTA_PERCENT = int(
    os.environ.get("DANGBO_EVALUATION_EXCELLENT_QUOTA_PERCENT", "20")
)
DANGBO_EVALUATION_QUOTA_BASE = os.environ.get("DANGBO_EVALUATION_QUOTA_BASE", "httnv")
# Under QĐ 366, the highest level of a member disciplined in the period [U]: "htnv", "khtnv", "httnv" or "" (no cap).
DANGBO_EVALUATION_366_DISCIPLINE_CAP = os.environ.get("DANGBO_EVALUATION_366_DISCIPLINE_CAP", "htnv")
# Under QĐ 124, the highest level of a member disciplined in the year whose violation was self-detected and remedied
# [I: QĐ 124 only lifts the automatic KHTNV]: "htnv", "httnv", "htxsnv" or "" (no cap).
DANGBO_EVALUATION_124_REMEDIED_CAP = os.environ.get("DANGBO_EVALUATION_124_REMEDIED_CAP", "htnv")
# "Chưa xếp loại": members admitted fewer than this many months before the period ends [U]; exempted members unless 1.
DANGBO_EVALUATION_MIN_MONTHS = int(os.environ.get("DANGBO_EVALUATION_MIN_MONTHS", "6"))
DANGBO_EVALUATION_RATE_EXEMPTED = os.environ.get("DANGBO_EVALUATION_RATE_EXEMPTED", "") == "1"
# Opening a campaign whose authority has more members than this on its roll runs as a background job.
DANGBO_EVALUATION_SYNC_RATINGS = int(os.environ.get("DANGBO_EVALUATION_SYNC_RATINGS", "2000"))
# QĐ 213: the comment of the cell where a member lives is recorded and shown (its absence too) as evidence of the
# rating; "0" where members do not work away from where they live (commune and ward organizations) [U which members
# are exempt: armed forces in barracks, full-time training, students away — not in the record].
DANGBO_EVALUATION_RESIDENCE_COMMENTS = os.environ.get("DANGBO_EVALUATION_RESIDENCE_COMMENTS", "1") == "1"
# The full title of each regulation the decision cites («Căn cứ Quy định 366-QĐ/TW, 30/8/2025 về …»): the sources
# give numbers and dates only [U]; JSON {"qd366"|"qd124"|"qd132": "về …"} replaces the built-in wording.
DANGBO_EVALUATION_REGULATION_TITLES = _json_titles(os.environ.get("DANGBO_EVALUATION_REGULATION_TITLES", ""))


def _dues_settings(env) -> dict:
    """Party dues (dangbo.dues.rules): what the sources leave uncertain, read from the environment (README, config
    table). A value that is not one is refused at start."""
    import json

    out = {}
    try:
        if env.get("DANGBO_DUES_OTHER_RANGE"):
            low, high = (int(v) for v in env["DANGBO_DUES_OTHER_RANGE"].strip("()[] ").split(","))
            if not 0 < low <= high:
                raise ValueError
            out["DANGBO_DUES_OTHER_RANGE"] = (low, high)
        for name in (
            "DANGBO_DUES_ELDER_PERCENT",
            "DANGBO_DUES_CELL_KEEP_PERCENT",
            "DANGBO_DUES_SUB_COMMITTEE_KEEP_PERCENT",
        ):
            if env.get(name):
                out[name] = int(env[name])
                if not 0 <= out[name] <= 100:
                    raise ValueError
        if env.get("DANGBO_DUES_COMMUNE_ORG_CODES"):
            out["DANGBO_DUES_COMMUNE_ORG_CODES"] = tuple(
                c.strip() for c in env["DANGBO_DUES_COMMUNE_ORG_CODES"].split(",") if c.strip()
            )
        if env.get("DANGBO_DUES_SHARES_2026"):
            shares = json.loads(env["DANGBO_DUES_SHARES_2026"])
            if not isinstance(shares, dict) or not all(0 <= int(v) <= 100 for v in shares.values()):
                raise ValueError
            out["DANGBO_DUES_SHARES_2026"] = {str(k): int(v) for k, v in shares.items()}
        if env.get("DANGBO_DUES_ROUNDING"):
            out["DANGBO_DUES_ROUNDING"] = int(env["DANGBO_DUES_ROUNDING"])
            if out["DANGBO_DUES_ROUNDING"] < 1:
                raise ValueError
    except (TypeError, ValueError) as error:
        raise ImproperlyConfigured(
            "DANGBO_DUES_…: giá trị không hợp lệ (xem bảng cấu hình của README)."
        ) from error
    return out


globals().update(_dues_settings(os.environ))
# The demo's dues start at this month ("mm/yyyy"); default 01/2010, the whole history (issue 16: the bloc's totals by
# year); empty: January of last year (the test suite's demo, ``tests/conftest.py``).
DANGBO_DEMO_DUES_FROM = os.environ.get("DANGBO_DEMO_DUES_FROM", "01/2010")

# Background jobs (dangbo.jobs) -----------------------------------------------------------------------------------
# Through Django's task interface (the django-tasks backport of Django 6's django.tasks). DANGBO_TASKS_BACKEND:
#   "database" (default) — the queue is a table of this database (django-tasks-db); `dangbo serve` runs one worker
#       process beside the web server, `dangbo worker` runs more. Nothing else to install.
#   "redis://host:6379/0" — the queue is in Redis, run by RQ workers (django-tasks-rq; `pip install dangbo[redis]`);
#       `dangbo worker` runs one on each machine, `dangbo serve --no-worker` serves pages only.
# Jobs wait in either queue across restarts; a job that was running when its worker died is marked failed
# (dangbo/jobs/worker.py says why it is not re-run by itself).
TASKS_BACKEND = os.environ.get("DANGBO_TASKS_BACKEND", "database").strip() or "database"
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND.startswith(("redis://", "rediss://", "unix://")):
    import importlib.util

    if importlib.util.find_spec("django_tasks_rq") is None:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "DANGBO_TASKS_BACKEND là Redis: cài thêm gói bằng `pip install 'dangbo[redis]'`."
        )
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # RQ stops a job after DEFAULT_TIMEOUT seconds (its own default is 3 minutes): long work needs hours.
    RQ_QUEUES = {
        "default": {
            "URL": TASKS_BACKEND,
            "DEFAULT_TIMEOUT": int(os.environ.get("DANGBO_JOB_TIMEOUT", "21600")),
        }
    }
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"DANGBO_TASKS_BACKEND={TASKS_BACKEND!r}: dùng 'database' (mặc định) hoặc địa chỉ Redis 'redis://máy:6379/0'."
    )
# The worker touches its heartbeat row this often; a worker not heard of for DANGBO_WORKER_STALE_SECONDS is dead
# (the health check reports no worker, and the jobs it was running are marked failed).
DANGBO_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("DANGBO_WORKER_HEARTBEAT_SECONDS", "5"))
DANGBO_WORKER_STALE_SECONDS = float(os.environ.get("DANGBO_WORKER_STALE_SECONDS", "30"))
# Result files of jobs (exports, reports) live here, private to the server's user, and are deleted after this many
# days (they may hold personal data; the job's record stays).
DANGBO_JOB_FILES_DIR = DATA_DIR / "job-files"
DANGBO_JOB_FILE_DAYS = int(os.environ.get("DANGBO_JOB_FILE_DAYS", "7"))


def _margins(text: str) -> tuple[float, ...]:
    """ "20,20,30,15" → (20.0, 20.0, 30.0, 15.0): four margins in mm, each from 5 to 60."""
    try:
        values = tuple(float(v) for v in text.replace(";", ",").split(","))
    except ValueError:
        values = ()
    if len(values) != 4 or not all(5 <= v <= 60 for v in values):
        raise ImproperlyConfigured(
            f"DANGBO_DOCX_MARGINS_MM: bốn lề trên, dưới, trái, phải (mm, 5–60), không phải {text!r}."
        )
    return values


# Page margins of the Word documents (minutes, letters): top, bottom, left, right in mm. Sources on the party
# document format disagree (20/20/30/15 or 25/25/35/15 mm, DOMAIN §7 [U]): a setting.
DANGBO_DOCX_MARGINS_MM = _margins(os.environ.get("DANGBO_DOCX_MARGINS_MM", "20,20,30,15"))
