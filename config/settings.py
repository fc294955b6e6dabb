"""Settings for the client manager workbench, read from the environment.

Development defaults are safe for a laptop; production sets DJANGO_DEBUG=0,
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL (see README).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# Secure by default: debug is opt-in (`make run` and the test settings set it), so a
# production host that forgets a variable refuses to start instead of serving debug pages.
DEBUG = env_bool("DJANGO_DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be a random string of at least 50 characters "
            "when DJANGO_DEBUG is off."
        )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
for _host in ALLOWED_HOSTS:
    if "/" in _host or " " in _host or "://" in _host:
        raise ImproperlyConfigured(
            f"DJANGO_ALLOWED_HOSTS must hold host names separated by commas, not {_host!r}."
        )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "accounts",
    "prospects",
    "investigations",
    "complaints",
    "playbook",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "template_partials",
    "django_filters",
    "csp",
    "axes",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: a request over REQUEST_MAX_BYTES is answered 413.
    "config.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The person's language, else Chinese; not the browser's Accept-Language.
    "accounts.middleware.PreferredLanguageMiddleware",
    # Before LoginRequiredMiddleware: an expired session is signed out, then sent to sign in.
    "config.middleware.SessionTimeoutMiddleware",
    "accounts.lazy_middleware.PublicFirstLoginRequiredMiddleware",
    # Client data must stay out of browser and proxy caches.
    "config.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.BuiltOnceCSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.lazy_middleware.LazyActorAuditlogMiddleware",
    # Last, so it sees the outcome of authentication (django-axes docs).
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.csp_nonce",
                "accounts.context_processors.navigation",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------
# Unset or empty: the embedded SQLite file.
_database_url = env_str("DATABASE_URL", "") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
if not _database_url.startswith(("sqlite:", "postgres://", "postgresql://", "pgsql:")):
    raise ImproperlyConfigured(
        "DATABASE_URL must start with sqlite:// or postgres://, "
        f"not {_database_url.split(':', 1)[0]!r}."
    )
try:
    _database = dj_database_url.parse(_database_url, conn_max_age=600, conn_health_checks=True)
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
if _database["ENGINE"] == "django.db.backends.postgresql" and not _database.get("NAME"):
    raise ImproperlyConfigured("DATABASE_URL must name a database, e.g. postgres://host/workbench.")
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite: short transactions, and writers wait instead of failing at once.
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
if _database["ENGINE"] == "django.db.backends.postgresql":
    # The planner's default random_page_cost (4) assumes spinning disks: on SSDs it scans a
    # team's 500,000 visits instead of following the index from its 5,000 prospects (49 ms
    # against 15 ms for a team's figures, at bank scale). A ?options=… in DATABASE_URL wins.
    _database.setdefault("OPTIONS", {}).setdefault(
        "options", f"-c random_page_cost={env_str('DATABASE_RANDOM_PAGE_COST', '1.1')}"
    )
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- People and sign-in ------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock an account from one address after 5 failures there, for 15 minutes: wrong passwords
# typed elsewhere cannot lock a colleague out everywhere. Never by address alone: a whole
# branch shares one proxy address. The address is REMOTE_ADDR, or behind our proxy the one
# it saw (config.client_ip, set below with DJANGO_BEHIND_PROXY).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
SILENCED_SYSTEM_CHECKS: list[str] = []

# --- Internationalisation ------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # one date format in each language
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static files ------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"
# Client attachments (licences, IDs, shop photos): outside MEDIA_ROOT and without a URL,
# served only through a view that checks who may see the client.
PRIVATE_MEDIA_ROOT = Path(env_str("DJANGO_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private")))
# Client data: the web server's user (and its group) reads these files, nobody else.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    # Investigation evidence: private, outside static and media URLs (served only by a view
    # that checks visibility); production may point it at an object store (django-storages).
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            # The test settings point it at a throwaway directory, never the checkout.
            "location": env_str("EVIDENCE_ROOT", str(BASE_DIR / "private" / "evidence"))
        },
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security ------------------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# No script reads the token from the cookie: htmx sends it from hx-headers (base.html).
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_HTTPONLY = True
# Signed out after 30 idle minutes and, whatever the activity, 12 hours after signing in
# (config.middleware.SessionTimeoutMiddleware); the cookie itself lasts no longer.
SESSION_IDLE_TIMEOUT = env_int("DJANGO_SESSION_IDLE_MINUTES", 30) * 60
SESSION_ABSOLUTE_TIMEOUT = env_int("DJANGO_SESSION_ABSOLUTE_HOURS", 12) * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading binds the whole domain (every subdomain, for months) into browsers: only on request.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")  # check --deploy asks for preloading
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("DJANGO_BEHIND_PROXY", default=False):
    # The proxy terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
    # REMOTE_ADDR is then the proxy's for everyone: the sign-in lockout takes the client's
    # address from the proxy's X-Forwarded-For instead.
    AXES_CLIENT_IP_CALLABLE = "config.client_ip.behind_proxy"

# No inline scripts or handlers anywhere: scripts carry the response's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line": {"()": "config.logging.OneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # A scanner sending a foreign Host header is noise: one line per request, no traceback.
        "django.security.DisallowedHost": {"filters": ["one_line"]},
    },
}

# --- Audit trail ----------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False
# Loading saved rows (loaddata, a test's serialized rollback) is not a change anyone made;
# logging it would also look up content types before they are loaded.
AUDITLOG_DISABLE_ON_RAW_SAVE = True

# --- Domain settings ---------------------------------------------------------
# Handbook §1: gifts at or above this value are flagged for the supervisor.
HOSPITALITY_FLAG_THRESHOLD_CNY = Decimal(env_str("HOSPITALITY_FLAG_THRESHOLD_CNY", "200"))
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
# Each request of an import reads and checks every row: at 20,000 rows about 3 s (.xlsx).
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)
ATTACHMENT_MAX_UPLOAD_BYTES = env_int("ATTACHMENT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# --- Background work (the Tasks API; see README "Background work") ----------------
# One box: the database backend, with `manage.py db_worker` running beside the web server.
# Several hosts sharing the work: a queue backend (e.g. django-tasks-rq on Redis) here.
TASKS = {
    "default": {
        "BACKEND": env_str("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A prospect export of more rows than this, as .xlsx, is written in the background.
PROSPECT_EXPORT_BACKGROUND_ROWS = env_int("PROSPECT_EXPORT_BACKGROUND_ROWS", 20_000)
# How long a finished export is kept for its owner to download.
PROSPECT_EXPORT_KEEP_DAYS = env_int("PROSPECT_EXPORT_KEEP_DAYS", 7)
# A merchant list of more rows than this is imported in the background (about 2 s of
# writing at 5,000 rows); a shorter one while the person waits.
PROSPECT_IMPORT_BACKGROUND_ROWS = env_int("PROSPECT_IMPORT_BACKGROUND_ROWS", 5_000)

# How long a process shows the same handbook guidance box and search-form section list
# (playbook.guidance_cache); 0: none.
PLAYBOOK_GUIDANCE_CACHE_SECONDS = env_int("PLAYBOOK_GUIDANCE_CACHE_SECONDS", 60)
EVIDENCE_MAX_UPLOAD_BYTES = env_int("EVIDENCE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# The largest file any form takes, and the largest request body accepted at all: that
# file plus 1 MiB for the rest of the form. A larger body is answered 413 unread
# (config.middleware.RequestSizeLimitMiddleware); the reverse proxy's limit (nginx
# client_max_body_size) should match REQUEST_MAX_BYTES.
UPLOAD_MAX_BYTES = max(
    IMPORT_MAX_UPLOAD_BYTES, ATTACHMENT_MAX_UPLOAD_BYTES, EVIDENCE_MAX_UPLOAD_BYTES
)
REQUEST_MAX_BYTES = UPLOAD_MAX_BYTES + 1024 * 1024
# Handbook §3: the client hears from us every day. Counted in whole calendar days
# (Asia/Shanghai) after the day of the last contact: due the next day, overdue from
# the start of day 2, escalated to the supervisor from the start of day 3.
# complaints.checks refuses an escalation that is not after the overdue day.
COMPLAINT_FEEDBACK_OVERDUE_DAYS = env_int("COMPLAINT_FEEDBACK_OVERDUE_DAYS", 2)
COMPLAINT_FEEDBACK_ESCALATION_DAYS = env_int("COMPLAINT_FEEDBACK_ESCALATION_DAYS", 3)
# The regulator's clock: a decision within 15 days of receipt, 30 with one extension,
# 60 with a second one approved by the supervisor.
COMPLAINT_RESOLUTION_DAYS = (15, 30, 60)
# The handler is reminded of a decision deadline on each of this many mornings before
# it, and on the day; the morning after it passed, their supervisor is told too (once: the
# board lists late cases from then on; complaints.rules.tells_supervisor).
COMPLAINT_DECISION_REMINDER_DAYS = env_int("COMPLAINT_DECISION_REMINDER_DAYS", 3)

# --- Email ------------------------------------------------------------------------
# Reminders (manage.py send_feedback_reminders) go through Django's email backend.
EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "workbench@localhost")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("DJANGO_EMAIL_USE_TLS and DJANGO_EMAIL_USE_SSL exclude each other.")
