"""Typed settings read once from the environment (`PODIUM_*`)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sqlalchemy.engine import make_url

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = REPO_ROOT / "var" / "podium.sqlite3"
# The embedded setup's generated signing secret, kept beside its SQLite file.
SECRET_KEY_FILE = "secret-key"


class SettingsError(RuntimeError):
    """A setting the operator must fix before the app may start; the message says how."""


def _env(name: str, default: str = "") -> str:
    return os.environ.get(f"PODIUM_{name}", default)


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if not raw:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in _env(name).split(",") if item.strip())


@dataclass(frozen=True)
class DatabaseSettings:
    # SQLAlchemy async URL; empty means the embedded SQLite file under var/.
    url: str = ""
    # Log every SQL statement (development aid).
    echo: bool = False

    @property
    def resolved_url(self) -> str:
        if self.url:
            return normalize_database_url(self.url)
        DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite+aiosqlite:///{DEFAULT_SQLITE_PATH}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_url.startswith("sqlite")


@dataclass(frozen=True)
class RedisSettings:
    # redis:// URL; empty means in-process broadcast and in-process leaderboards.
    url: str = ""
    # Prefix of every Redis key and channel, so several deployments can share one Redis.
    prefix: str = "podium"


@dataclass(frozen=True)
class HttpSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    # Origins allowed to open the GraphQL WebSocket and to POST with a session cookie,
    # besides the app's own origin (scheme://host:port of the request).
    allowed_origins: tuple[str, ...] = ()
    # Serve GraphiQL at GET /graphql.
    graphiql: bool = True
    # Mark the session cookie Secure (set behind HTTPS).
    secure_cookies: bool = False
    # Folder of the built PWA (pwa/dist).
    pwa_dist: Path = REPO_ROOT / "pwa" / "dist"


@dataclass(frozen=True)
class SecuritySettings:
    # Secret for signed URLs (celebration cards): every instance must share it, or a link signed by one
    # fails on the next. Required with PostgreSQL; the embedded setup generates one once and keeps it
    # beside its SQLite file. Sessions do not use it (they are stored hashed in the database).
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    session_days: int = 30
    # Login attempts allowed per email and per client address in a 15-minute window.
    login_attempts: int = 10


@dataclass(frozen=True)
class RealtimeSettings:
    # Minimum seconds between two frames of the same board (bursts are coalesced).
    frame_interval: float = 0.1
    # Serialize each change once per (board, scope, document) and send the same bytes
    # to every subscriber. False runs strawberry per subscriber (only for benchmarks).
    shared_fanout: bool = True
    # Subscriptions one WebSocket may hold.
    max_subscriptions: int = 50
    # Seconds a client has to send connection_init.
    init_timeout: float = 10.0
    # The serving process's garbage collector: higher thresholds and start-up's objects frozen
    # (core/memory.py, measured on the fan-out). False keeps Python's defaults.
    gc_tuning: bool = True


@dataclass(frozen=True)
class WebPushSettings:
    # From `podium vapid-keys` (base64url, raw P-256 scalar and point); empty: Web Push is off.
    vapid_private_key: str = ""
    vapid_public_key: str = ""
    # Who the push services contact about our traffic (RFC 8292 `sub`): mailto: or https: URL.
    vapid_subject: str = "mailto:admin@example.com"
    # Pushes in flight at once per instance (also the HTTP connection pool's size).
    concurrency: int = 64
    # Attempts before a push is marked failed (kept in push_jobs, never dropped silently).
    max_attempts: int = 8
    # First retry after this many seconds, doubling each attempt, capped at an hour.
    retry_base_seconds: float = 10.0
    # Seconds between two looks at the job table when nothing woke the worker.
    poll_seconds: float = 2.0
    # How long a push service keeps an undelivered message (TTL header), seconds.
    ttl_seconds: int = 24 * 3600
    # Accept http:// and private-address endpoints (tests and local fakes only: the server POSTs to them).
    insecure_endpoints: bool = False


@dataclass(frozen=True)
class RobotSettings:
    # Attempts before a robot message is marked failed (kept in robot_jobs, never dropped silently).
    max_attempts: int = 8
    # First retry after this many seconds, doubling each attempt, capped at an hour.
    retry_base_seconds: float = 10.0
    # Seconds between two looks at the job table when nothing woke the worker.
    poll_seconds: float = 2.0
    # Seconds to wait for a robot's answer.
    timeout_seconds: float = 10.0
    # Accept http:// and private-address webhook URLs (tests and local fakes only: the server POSTs to them).
    insecure_urls: bool = False


@dataclass(frozen=True)
class VisitSettings:
    # A check-in whose GPS accuracy is worse than this many metres is flagged for review.
    max_accuracy_m: float = 200.0
    # Faster than this between two consecutive visits (after allowing for both positions'
    # accuracy) is flagged: 200 km/h lets a high-speed train through, not a teleport.
    max_speed_kmh: float = 200.0
    # A check-in whose time is further than this from the GPS fix's own time, or sent by a
    # phone whose clock is this far from the server's, is flagged.
    clock_tolerance_minutes: int = 10
    # Customers not visited for this many days are shown as at risk of churning.
    at_risk_days: int = 30
    # Upload limits for visit photos: request body, and pixels before decoding (bombs).
    photo_max_bytes: int = 15 * 1024 * 1024
    photo_max_pixels: int = 40_000_000
    # Seconds between two sweeps that close visits left open past the end of their day.
    close_sweep_seconds: float = 300.0


@dataclass(frozen=True)
class EventSettings:
    # Seconds the committing process has to run an event's handlers before any instance's dispatcher may.
    head_start_seconds: float = 30.0
    # Seconds between two looks at the events table when nothing woke the dispatcher.
    poll_seconds: float = 2.0
    # Seconds a dispatcher holds the events it took before another may take them again.
    lease_seconds: float = 60.0
    # Attempts before an event whose handler keeps failing is kept as failed (shown to admins, never dropped).
    max_attempts: int = 12
    # First retry after this many seconds, doubling each attempt, capped at five minutes.
    backoff_seconds: float = 1.0
    # Days handled events are kept before the sweep deletes them.
    keep_days: int = 7


@dataclass(frozen=True)
class MapSettings:
    # Tile URL template ({z}/{x}/{y}; {s} allowed); empty: maps draw points on a plain grid.
    tile_url: str = ""
    # Shown on every map when tiles are used (the tile provider's terms usually require it).
    attribution: str = ""
    max_zoom: int = 19


@dataclass(frozen=True)
class AccountSettings:
    # Days an invitation's link and code stay valid.
    invite_days: int = 7
    # Hours an admin's password-reset link stays valid.
    reset_hours: int = 24
    # Wrong invitation codes (and tokens) allowed per client address in a 15-minute window.
    code_attempts: int = 10


@dataclass(frozen=True)
class ImportSettings:
    # Largest file an import accepts (PODIUM_IMPORT_MAX_BYTES); an upload past it is refused while it streams.
    max_bytes: int = 200 * 1024 * 1024


@dataclass(frozen=True)
class MailSettings:
    # SMTP server; empty: no email is sent and the app shows links and codes to copy instead.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    # STARTTLS on a plain connection (587); `smtp_ssl` for implicit TLS (465) instead.
    smtp_starttls: bool = True
    smtp_ssl: bool = False
    # The From address of invitations.
    smtp_sender: str = ""
    smtp_timeout_seconds: float = 10.0
    # The app's address as people reach it (https://podium.example.com), for links in emails;
    # empty: the address the inviting request came to.
    public_url: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.smtp_host and self.smtp_sender)


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings
    redis: RedisSettings
    http: HttpSettings
    security: SecuritySettings
    realtime: RealtimeSettings
    webpush: WebPushSettings
    visits: VisitSettings = field(default_factory=VisitSettings)
    maps: MapSettings = field(default_factory=MapSettings)
    robots: RobotSettings = field(default_factory=RobotSettings)
    events: EventSettings = field(default_factory=EventSettings)
    accounts: AccountSettings = field(default_factory=AccountSettings)
    mail: MailSettings = field(default_factory=MailSettings)
    imports: ImportSettings = field(default_factory=ImportSettings)
    # development: GraphiQL on, verbose errors; production: neither.
    environment: str = "development"

    @property
    def is_production_stack(self) -> bool:
        return bool(self.redis.url)


def normalize_database_url(url: str) -> str:
    """Accept plain postgresql:// URLs and pick the async driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url[len("postgresql://") :]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    return url


def _secret_key(database: DatabaseSettings) -> str:
    """PODIUM_SECRET_KEY, else (embedded SQLite only) the key kept beside the database file; "" means missing."""
    configured = _env("SECRET_KEY")
    if configured or not database.is_sqlite:
        return configured
    path = make_url(database.resolved_url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return secrets.token_urlsafe(32)  # a database private to this process: nobody else checks its links
    return _kept_secret(Path(path).resolve().parent / SECRET_KEY_FILE)


def _kept_secret(path: Path) -> str:
    """Read the key, or make it: written whole to a temporary file, then linked into place, so processes starting
    together all end up with the one that won (a link never replaces an existing file) and never read half of it."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(32) + "\n")
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink(missing_ok=True)
    key = path.read_text().strip()
    if not key:
        raise SettingsError(f"{path} is empty: delete it to have a new signing key made, or set PODIUM_SECRET_KEY.")
    return key


def require_secret_key(settings: Settings) -> None:
    """Refuse to start without a shared signing secret (only PostgreSQL deployments can lack one)."""
    if not settings.security.secret_key:
        raise SettingsError(
            "PODIUM_SECRET_KEY is not set. With PostgreSQL every instance must sign with the same secret, "
            "or a celebration card link signed by one instance is refused by the others and after a restart. "
            "Set it to the same long random value on every instance, for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`."
        )


def load_settings() -> Settings:
    environment = _env("ENV", "development")
    database = DatabaseSettings(url=_env("DATABASE_URL"), echo=_env_bool("DATABASE_ECHO", False))
    security = SecuritySettings(
        secret_key=_secret_key(database),
        session_days=int(_env("SESSION_DAYS", "30")),
        login_attempts=int(_env("LOGIN_ATTEMPTS", "10")),
    )
    return Settings(
        database=database,
        redis=RedisSettings(url=_env("REDIS_URL"), prefix=_env("REDIS_PREFIX", "podium")),
        http=HttpSettings(
            host=_env("HOST", "127.0.0.1"),
            port=int(_env("PORT", "8000")),
            allowed_origins=_env_list("ALLOWED_ORIGINS"),
            graphiql=_env_bool("GRAPHIQL", environment != "production"),
            secure_cookies=_env_bool("SECURE_COOKIES", environment == "production"),
            pwa_dist=Path(_env("PWA_DIST") or (REPO_ROOT / "pwa" / "dist")),
        ),
        security=security,
        realtime=RealtimeSettings(
            frame_interval=float(_env("FRAME_INTERVAL", "0.1")),
            shared_fanout=_env_bool("SHARED_FANOUT", True),
            max_subscriptions=int(_env("MAX_SUBSCRIPTIONS", "50")),
            gc_tuning=_env_bool("GC_TUNING", True),
        ),
        webpush=WebPushSettings(
            vapid_private_key=_env("VAPID_PRIVATE_KEY"),
            vapid_public_key=_env("VAPID_PUBLIC_KEY"),
            vapid_subject=_env("VAPID_SUBJECT", "mailto:admin@example.com"),
            concurrency=int(_env("PUSH_CONCURRENCY", "64")),
            max_attempts=int(_env("PUSH_MAX_ATTEMPTS", "8")),
            retry_base_seconds=float(_env("PUSH_RETRY_BASE_SECONDS", "10")),
            poll_seconds=float(_env("PUSH_POLL_SECONDS", "2")),
            ttl_seconds=int(_env("PUSH_TTL_SECONDS", "86400")),
            insecure_endpoints=_env_bool("PUSH_INSECURE_ENDPOINTS", False),
        ),
        visits=VisitSettings(
            max_accuracy_m=float(_env("VISIT_MAX_ACCURACY_M", "200")),
            max_speed_kmh=float(_env("VISIT_MAX_SPEED_KMH", "200")),
            clock_tolerance_minutes=int(_env("VISIT_CLOCK_TOLERANCE_MINUTES", "10")),
            at_risk_days=int(_env("VISIT_AT_RISK_DAYS", "30")),
            photo_max_bytes=int(_env("PHOTO_MAX_BYTES", str(15 * 1024 * 1024))),
            photo_max_pixels=int(_env("PHOTO_MAX_PIXELS", "40000000")),
            close_sweep_seconds=float(_env("VISIT_CLOSE_SWEEP_SECONDS", "300")),
        ),
        maps=MapSettings(
            tile_url=_env("MAP_TILE_URL"),
            attribution=_env("MAP_ATTRIBUTION"),
            max_zoom=int(_env("MAP_MAX_ZOOM", "19")),
        ),
        robots=RobotSettings(
            max_attempts=int(_env("ROBOTS_MAX_ATTEMPTS", "8")),
            retry_base_seconds=float(_env("ROBOTS_RETRY_BASE_SECONDS", "10")),
            poll_seconds=float(_env("ROBOTS_POLL_SECONDS", "2")),
            timeout_seconds=float(_env("ROBOTS_TIMEOUT_SECONDS", "10")),
            insecure_urls=_env_bool("ROBOTS_INSECURE_URLS", False),
        ),
        events=EventSettings(
            head_start_seconds=float(_env("EVENTS_HEAD_START_SECONDS", "30")),
            poll_seconds=float(_env("EVENTS_POLL_SECONDS", "2")),
            lease_seconds=float(_env("EVENTS_LEASE_SECONDS", "60")),
            max_attempts=int(_env("EVENTS_MAX_ATTEMPTS", "12")),
            backoff_seconds=float(_env("EVENTS_BACKOFF_SECONDS", "1")),
            keep_days=int(_env("EVENTS_KEEP_DAYS", "7")),
        ),
        accounts=AccountSettings(
            invite_days=int(_env("INVITE_DAYS", "7")),
            reset_hours=int(_env("RESET_HOURS", "24")),
            code_attempts=int(_env("CODE_ATTEMPTS", "10")),
        ),
        mail=MailSettings(
            smtp_host=_env("SMTP_HOST"),
            smtp_port=int(_env("SMTP_PORT", "587")),
            smtp_username=_env("SMTP_USERNAME"),
            smtp_password=_env("SMTP_PASSWORD"),
            smtp_starttls=_env_bool("SMTP_STARTTLS", True),
            smtp_ssl=_env_bool("SMTP_SSL", False),
            smtp_sender=_env("SMTP_SENDER"),
            smtp_timeout_seconds=float(_env("SMTP_TIMEOUT_SECONDS", "10")),
            public_url=_env("PUBLIC_URL").rstrip("/"),
        ),
        imports=ImportSettings(max_bytes=int(_env("IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))),
        environment=environment,
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
