"""Strict parsers for settings taken from the environment.

A typo in a deployment variable should stop start-up with a message that names the
variable, not silently fall back to a default.
"""

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    if name not in environ:
        return default
    value = environ[name].strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of true/false, yes/no, on/off or 1/0; got {environ[name]!r}."
    )


def env_int(
    name: str,
    default: int,
    environ: Mapping[str, str] = os.environ,
    minimum: int | None = None,
) -> int:
    if name not in environ:
        return default
    try:
        value = int(environ[name].strip())
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number; got {environ[name]!r}."
        ) from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] = os.environ) -> list[str]:
    if name not in environ:
        return default
    items = [item.strip() for item in environ[name].split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(
            f"{name} must be a comma-separated list with no empty items; got {environ[name]!r}."
        )
    return items


def env_secret(name: str, environ: Mapping[str, str] = os.environ) -> str | None:
    """Read NAME, or the file that NAME_FILE points to (for Docker secrets)."""
    file_variable = f"{name}_FILE"
    if file_variable in environ:
        try:
            with open(environ[file_variable], encoding="utf-8") as secret_file:
                return secret_file.read().strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"{file_variable} points to {environ[file_variable]!r}, which cannot be read: "
                f"{error.strerror}."
            ) from None
    return environ.get(name) or None


def database_config(url: str, *, sqlite_busy_timeout_ms: int = 5000) -> dict:
    """Turn DATABASE_URL into a DATABASES entry: SQLite or PostgreSQL only."""
    import dj_database_url

    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in {"sqlite", "postgres", "postgresql"}:
        raise ImproperlyConfigured(
            "DATABASE_URL must look like sqlite:///path/to/file.sqlite3 or "
            f"postgres://user:password@host:5432/name; got {url!r}."
        )
    # Connections are kept between requests. For SQLite too: opening one and running its
    # PRAGMAs cost 1.4 ms of an 8 ms section page (docs/performance.md).
    try:
        config = dj_database_url.parse(url, conn_max_age=600 if scheme == "sqlite" else 60)
    except (ValueError, dj_database_url.ParseError) as error:
        raise ImproperlyConfigured(f"DATABASE_URL could not be parsed: {error}.") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"DATABASE_URL names no database; got {url!r}.")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = sqlite_options(sqlite_busy_timeout_ms)
    else:
        config["CONN_HEALTH_CHECKS"] = True
    return config


def sqlite_options(busy_timeout_ms: int) -> dict:
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the busy
    # timeout instead of failing with "database is locked" halfway through a transaction.
    return {
        "init_command": (
            f"PRAGMA journal_mode=WAL; PRAGMA busy_timeout={busy_timeout_ms}; "
            "PRAGMA synchronous=NORMAL;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": busy_timeout_ms / 1000,
    }


CACHE_BACKENDS = {
    "redis": "django.core.cache.backends.redis.RedisCache",
    "rediss": "django.core.cache.backends.redis.RedisCache",
    "db": "django.core.cache.backends.db.DatabaseCache",
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
}


def cache_config(url: str) -> dict:
    """Turn CACHE_URL into a CACHES entry.

    redis://host:6379/0 (shared by every process and container), db://table_name (shared
    by every process using the database; `manage.py createcachetable` makes the table) or
    locmem:// (one process only: tests and single-process runs).
    """
    scheme, separator, rest = url.partition("://")
    if not separator or scheme not in CACHE_BACKENDS:
        raise ImproperlyConfigured(
            "CACHE_URL must look like redis://host:6379/0, db://cache_table or locmem://; "
            f"got {url!r}."
        )
    config = {"BACKEND": CACHE_BACKENDS[scheme]}
    if scheme in {"redis", "rediss"}:
        config["LOCATION"] = url
    elif scheme == "db":
        if not rest or not rest.replace("_", "").isalnum():
            raise ImproperlyConfigured(
                f"CACHE_URL db:// needs a table name of letters, digits and _; got {url!r}."
            )
        config["LOCATION"] = rest
    else:
        config["LOCATION"] = rest or "maturity"
    return config


TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}


def env_choice(
    name: str, default: str, choices: Mapping[str, object], environ: Mapping[str, str] = os.environ
) -> str:
    if name not in environ:
        return default
    value = environ[name].strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(
            f"{name} must be one of {', '.join(sorted(choices))}; got {environ[name]!r}."
        )
    return value
