"""Backup and restore of a dangbo installation: the database, the uploaded files and the settings that matter,
in one dated archive with a manifest and checksums.

``backup()`` takes a consistent online copy while the server keeps writing:

* SQLite: the SQLite backup API (``sqlite3.Connection.backup``) in one step, which reads one snapshot of the
  database *including the writes still in its WAL file* (a plain copy of the file misses them);
* PostgreSQL: ``pg_dump --format=custom`` of a snapshot exported by a REPEATABLE READ transaction that stays open
  while the dump runs, so the row counts and the audit digest in the manifest describe exactly what was dumped.

The uploads (``MEDIA_ROOT``) are copied *after* the database snapshot: a file is written before the row that
names it is committed and files are never changed in place, so every file the snapshot names is in the archive
(a file uploaded in between is an unused extra).

The archive ``dangbo-YYYYMMDD-HHMMSS.tar.gz`` (``.tar`` for PostgreSQL, whose dump is compressed already) holds
``manifest.json`` (format, program version, applied migrations, row count of every table, the audit digest, the
SHA-256 of every file, the DANGBO_* and deployment settings) and the files. The secret key is **not** in it:
whoever holds the key and a copy of the database can forge password-reset links and session cookies for the live
server, and a backup travels further than the server. A restored installation gets a new key; the only effect is
that users log in again.

``restore()`` refuses an archive whose checksums do not match, that a newer program made (a migration this
program does not know), or that is of the other database engine, and refuses a target that is not empty; it
loads, then verifies the row count of every table and the audit digest against the manifest.

Both are plain functions (``dangbo backup`` / ``dangbo restore`` are thin commands around them); the background job
"sao_luu" (``jobs/kinds.py``: ``dangbo backup --job``, or the jobs page of a system administrator) calls
``backup(keep=N)``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
ARCHIVE_NAME = re.compile(r"^dangbo-\d{8}-\d{6}\.tar(\.gz)?$")
AUDIT_TABLE = "audit_auditevent"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message (Vietnamese) says why and what to do."""


@dataclass
class Result:
    path: Path
    manifest: dict
    removed: list[Path]


# --- What a database holds: tables, row counts, the audit digest, migrations ---------------------------------


def engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _tables(cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    else:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
    return [row[0] for row in cursor.fetchall()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _canonical(value) -> str:
    if isinstance(value, str) and value[:1] in "{[":
        # A JSON column comes as text from one driver (Django's PostgreSQL connection, SQLite) and parsed from
        # another (plain psycopg): the same value must give the same digest.
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).isoformat()  # the same instant, whatever the session's time zone
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def database_state(cursor, vendor: str) -> dict:
    """Row count of every table, the applied migrations and the digest of the audit history, read through a
    DB-API cursor (of the snapshot being dumped, of the copy being restored)."""
    tables = _tables(cursor, vendor)
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        counts[table] = cursor.fetchone()[0]
    migrations = []
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [list(row) for row in cursor.fetchall()]
    audit = audit_digest(cursor) if AUDIT_TABLE in tables else audit_digest(None)
    return {"tables": counts, "migrations": migrations, "audit": audit}


def audit_digest(cursor, upto: int | None = None) -> dict:
    """Count, last id and SHA-256 of the audit history (events with id ≤ ``upto``), every column of every event
    in id order: an event lost, added or changed changes the digest. Read in pages by id so a long history is
    never held in memory at once."""
    digest, count, last_id = hashlib.sha256(), 0, None
    while cursor is not None:
        conditions = [f"id > {int(last_id)}"] if last_id is not None else []
        conditions += [f"id <= {int(upto)}"] if upto is not None else []
        where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
        cursor.execute(f"SELECT * FROM {AUDIT_TABLE} {where}ORDER BY id LIMIT 5000")
        rows = cursor.fetchall()
        if not rows:
            break
        for row in rows:
            digest.update(("\x1f".join(_canonical(v) for v in row) + "\x1e").encode())
        count, last_id = count + len(rows), rows[-1][0]
    return {"count": count, "last_id": last_id, "sha256": digest.hexdigest()}


# --- Files ------------------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files() -> list[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(
        (f"media/{path.relative_to(root).as_posix()}", path) for path in root.rglob("*") if path.is_file()
    )


def _settings_that_matter() -> dict:
    """Settings a restored installation should have the same (they change figures and rules), never secrets."""
    names = sorted(n for n in dir(settings) if n.startswith("DANGBO_"))
    names += ["TIME_ZONE", "ALLOWED_HOSTS", "HTTPS", "TRUSTED_PROXIES", "CSRF_TRUSTED_ORIGINS"]
    return {n: _jsonable(getattr(settings, n, None)) for n in names}


def _jsonable(value):
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


def program_version() -> str:
    from .health import program_version

    return program_version()


# --- PostgreSQL tools -------------------------------------------------------------------------------------------


def _pg_env() -> dict:
    """The connection of the default database as libpq environment variables (the password never on a command
    line): host, port, user, database, and Django's own mapping of password, SSL and service options."""
    from django.db.backends.postgresql.client import DatabaseClient

    db = settings.DATABASES["default"]
    _args, env = DatabaseClient.settings_to_cmd_args_env(db, [])
    env = {**os.environ, **(env or {})}
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGDATABASE", "NAME")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"Không tìm thấy chương trình {name} của PostgreSQL. Cài gói postgresql-client cùng phiên bản với máy "
            "chủ CSDL (Debian: apt-get install postgresql-client)."
        )
    return path


def _major(version_text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    return int(match.group(1)) if match else 0


def _tool_version(tool: str) -> str:
    out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+(?:\.\d+)*)", out)
    return match.group(1) if match else out.strip()


def _run(args: list[str], what: str) -> None:
    done = subprocess.run(args, env=_pg_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{what} không thành công: {done.stderr.strip()[-2000:]}")


# --- Backup -----------------------------------------------------------------------------------------------------


def default_directory() -> Path:
    return Path(os.environ.get("DANGBO_BACKUP_DIR") or Path(settings.DATA_DIR) / "backups")


def _snapshot_sqlite(staging: Path) -> tuple[dict, dict]:
    source_path = Path(settings.DATABASES["default"]["NAME"])
    if not source_path.exists():
        raise BackupError(f"Không có tệp cơ sở dữ liệu {source_path}.")
    target_path = staging / SQLITE_FILE
    source = sqlite3.connect(source_path, timeout=60)
    try:
        target = sqlite3.connect(target_path)
        source.backup(target)  # pages=-1: the whole database in one step, one read snapshot
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        state = database_state(target.cursor(), "sqlite")
        target.close()
    finally:
        source.close()
    return state, {"engine": "sqlite", "file": SQLITE_FILE, "sqlite_version": sqlite3.sqlite_version}


def _snapshot_postgresql(staging: Path) -> tuple[dict, dict]:
    pg_dump = _tool("pg_dump")
    dump_version = _tool_version(pg_dump)
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.rollback()
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SHOW server_version")
            server_version = cursor.fetchone()[0].split()[0]
            if _major(dump_version) < _major(server_version):
                raise BackupError(
                    f"pg_dump phiên bản {dump_version} cũ hơn máy chủ PostgreSQL {server_version}: cài "
                    f"postgresql-client {_major(server_version)} (hoặc mới hơn) rồi sao lưu lại."
                )
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-owner", "--no-privileges",
                 f"--file={staging / PG_FILE}"],
                "Sao lưu bằng pg_dump",
            )  # fmt: skip
            state = database_state(cursor, "postgresql")
        raw.rollback()
    finally:
        raw.close()
    return state, {"engine": "postgresql", "file": PG_FILE, "server_version": server_version,
                   "pg_dump_version": dump_version}  # fmt: skip


def backup(
    *, directory: Path | None = None, keep: int | None = None, now: dt.datetime | None = None
) -> Result:
    """Write one archive of the running installation into ``directory`` (default: ``DANGBO_BACKUP_DIR`` or
    ``<data dir>/backups``); with ``keep``, then delete the oldest archives of that directory beyond ``keep``."""
    from django.utils import timezone

    if keep is not None and keep < 1:
        raise BackupError("Số bản giữ lại (--keep) phải từ 1 trở lên.")
    directory = Path(directory or default_directory())
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    moment = timezone.localtime(now or timezone.now())
    kind = engine()
    path = directory / f"dangbo-{moment:%Y%m%d-%H%M%S}.tar{'.gz' if kind == 'sqlite' else ''}"
    if path.exists():
        raise BackupError(f"Đã có bản sao lưu {path.name}; chờ một giây rồi sao lưu lại.")
    with tempfile.TemporaryDirectory(dir=directory, prefix=".sao-luu-") as tmp:
        staging = Path(tmp)
        state, database = (_snapshot_sqlite if kind == "sqlite" else _snapshot_postgresql)(staging)
        members = [(database["file"], staging / database["file"]), *_media_files()]
        manifest = {
            "format": FORMAT,
            "program": "dangbo",
            "version": program_version(),
            "created_at": moment.isoformat(timespec="seconds"),
            "database": database,
            **state,
            "files": {},
            "settings": _settings_that_matter(),
            "secret_key_included": False,
        }
        partial = staging / "archive.partial"
        with tarfile.open(partial, "w:gz" if kind == "sqlite" else "w") as tar:
            for name, source in members:
                manifest["files"][name] = {"size": source.stat().st_size, "sha256": _sha256(source)}
                tar.add(source, arcname=name, recursive=False)
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(moment.timestamp()), 0o600
            tar.addfile(info, fileobj=io.BytesIO(data))
        partial.chmod(0o600)
        os.replace(partial, path)  # whole or absent: never a half-written archive under the dated name
    removed = prune(directory, keep) if keep else []
    return Result(path=path, manifest=manifest, removed=removed)


def describe(manifest: dict) -> str:
    """ "45 bảng, 13.622 dòng, 1.087 sự kiện nhật ký, 3 tệp tải lên" — what an archive holds."""
    from .formats import so

    rows = sum(manifest["tables"].values())
    uploads = sum(1 for name in manifest["files"] if name.startswith("media/"))
    return (
        f"{len(manifest['tables'])} bảng, {so(rows)} dòng, {so(manifest['audit']['count'])} sự kiện nhật ký, "
        f"{so(uploads)} tệp tải lên"
    )


def archives(directory: Path) -> list[Path]:
    """The archives ``backup`` wrote in ``directory``, oldest first (their names sort by date)."""
    return sorted(p for p in Path(directory).iterdir() if p.is_file() and ARCHIVE_NAME.match(p.name))


def prune(directory: Path, keep: int) -> list[Path]:
    old = archives(directory)[:-keep]
    for path in old:
        path.unlink()
    return old


# --- Restore ----------------------------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts


def read_archive(archive: Path, into: Path) -> dict:
    """Unpack ``archive`` into the directory ``into`` and return its manifest once every file matches it (no file
    missing, none added, each of its size and SHA-256). Raises BackupError otherwise."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"Không có tệp sao lưu {archive}.")
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = tar.getmembers()
            for member in members:
                if not _safe_name(member.name) or not (member.isfile() or member.isdir()):
                    raise BackupError(f"Tệp sao lưu có mục không hợp lệ ({member.name!r}); không khôi phục.")
            tar.extractall(into, filter="data")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise BackupError(f"Tệp sao lưu bị hỏng, không đọc được ({error}).") from None
    try:
        manifest = json.loads((into / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError(
            "Tệp sao lưu không có bản kê (manifest.json) đọc được: không phải bản sao lưu dangbo."
        ) from None
    if manifest.get("program") != "dangbo" or manifest.get("format") != FORMAT:
        raise BackupError(
            f"Bản sao lưu có định dạng {manifest.get('format')!r}, chương trình này đọc định dạng {FORMAT}."
        )
    listed = manifest.get("files", {})
    present = {m.name for m in members if m.isfile()} - {MANIFEST}
    if present != set(listed):
        odd = sorted(present ^ set(listed))
        raise BackupError(f"Bản sao lưu bị hỏng: tệp không khớp bản kê ({', '.join(odd[:5])}).")
    for name, expected in listed.items():
        path = into / name
        if path.stat().st_size != expected["size"] or _sha256(path) != expected["sha256"]:
            raise BackupError(
                f"Bản sao lưu bị hỏng: tệp {name} không khớp mã kiểm tra SHA-256; không khôi phục."
            )
    return manifest


def check_compatible(manifest: dict) -> list[str]:
    """Refuse an archive of the other engine or made by a newer program; return the migrations this program has
    that the archive lacks (the restored database then needs ``dangbo migrate``)."""
    from django.db.migrations.loader import MigrationLoader

    kind = manifest["database"]["engine"]
    if kind != engine():
        raise BackupError(
            f"Bản sao lưu là của CSDL {kind}, cấu hình hiện tại dùng {engine()}: khôi phục vào cùng loại CSDL."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    archived = {tuple(m) for m in manifest["migrations"]}
    unknown = sorted(archived - known)
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"Bản sao lưu do phiên bản dangbo mới hơn tạo ({manifest.get('version')}; có migration chưa có ở phiên "
            f"bản {program_version()}: {names}). Cài phiên bản dangbo {manifest.get('version')} rồi khôi phục."
        )
    return [f"{app}.{name}" for app, name in sorted(known - archived)]


def _sqlite_target() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def check_target_empty() -> None:
    """The target database has no table and the uploads directory no file; otherwise refuse."""
    problems = []
    if engine() == "sqlite":
        path = _sqlite_target()
        if path.exists() and path.stat().st_size > 0:
            db = sqlite3.connect(path)
            try:
                if _tables(db.cursor(), "sqlite"):
                    problems.append(f"cơ sở dữ liệu {path} đã có dữ liệu")
            finally:
                db.close()
    else:
        with connection.cursor() as cursor:
            if _tables(cursor, "postgresql"):
                problems.append(f"cơ sở dữ liệu {settings.DATABASES['default']['NAME']} đã có bảng")
    if _media_files():
        problems.append(f"thư mục tệp tải lên {settings.MEDIA_ROOT} đã có tệp")
    if problems:
        raise BackupError(
            "Nơi khôi phục không trống: "
            + "; ".join(problems)
            + ". Khôi phục chỉ vào thư mục dữ liệu hoặc CSDL "
            "trống (tạo CSDL mới, hoặc đặt DANGBO_DATA_DIR là một thư mục mới), không ghi đè dữ liệu đang có."
        )


def _compare(manifest: dict, state: dict) -> None:
    differing = [
        f"{table}: {manifest['tables'].get(table)} → {state['tables'].get(table)}"
        for table in sorted(set(manifest["tables"]) | set(state["tables"]))
        if manifest["tables"].get(table) != state["tables"].get(table)
    ]
    if differing:
        raise BackupError("Số dòng sau khi khôi phục khác bản kê: " + "; ".join(differing[:10]) + ".")
    if state["audit"] != manifest["audit"]:
        raise BackupError("Nhật ký thay đổi sau khi khôi phục khác bản kê (mã kiểm tra nhật ký không khớp).")


def _restore_sqlite(staging: Path, manifest: dict) -> None:
    staged = staging / SQLITE_FILE
    db = sqlite3.connect(staged)
    try:
        if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("Tệp CSDL trong bản sao lưu không toàn vẹn (PRAGMA integrity_check).")
        _compare(manifest, database_state(db.cursor(), "sqlite"))
    finally:
        db.close()
    target = _sqlite_target()
    connection.close()
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)  # an empty file (checked above) and its journal
    staged.chmod(0o600)
    shutil.move(staged, target)


def _restore_postgresql(staging: Path, manifest: dict) -> None:
    pg_restore = _tool("pg_restore")
    _run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          f"--dbname={settings.DATABASES['default']['NAME']}", str(staging / PG_FILE)],
         "Khôi phục bằng pg_restore")  # fmt: skip
    connection.close()
    with connection.cursor() as cursor:
        state = database_state(cursor, "postgresql")
    try:
        _compare(manifest, state)
    except BackupError as error:
        raise BackupError(f"{error} CSDL vừa khôi phục không dùng được: xóa và tạo lại CSDL trống.") from None


def _restore_media(staging: Path) -> int:
    source = staging / "media"
    if not source.is_dir():
        return 0
    target = Path(settings.MEDIA_ROOT)
    count = 0
    for path in sorted(source.rglob("*")):
        destination = target / path.relative_to(source)
        if path.is_dir():
            destination.mkdir(parents=True, exist_ok=True, mode=0o700)
        else:
            destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            shutil.move(path, destination)
            destination.chmod(0o600)
            count += 1
    return count


def missing_files() -> list[str]:
    """Files that rows of the (restored) database name but the uploads directory lacks."""
    from django.apps import apps
    from django.db import models

    missing = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                for name in model._base_manager.exclude(**{field.name: ""}).values_list(
                    field.name, flat=True
                ):
                    if name and not field.storage.exists(name):
                        missing.append(name)
    return missing


def settings_differences(manifest: dict) -> list[str]:
    current = _settings_that_matter()
    return [
        f"{name}: bản sao lưu {value!r}, hiện tại {current.get(name)!r}"
        for name, value in sorted(manifest.get("settings", {}).items())
        if name in current and current[name] != value
    ]


@dataclass
class Restored:
    manifest: dict
    files: int
    pending_migrations: list[str]
    settings_differences: list[str]


def restore(archive: Path) -> Restored:
    """Restore ``archive`` into the configured database and data directory, which must be empty."""
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".khoi-phuc-") as tmp:
        staging = Path(tmp)
        manifest = read_archive(archive, staging)
        pending = check_compatible(manifest)
        check_target_empty()
        if manifest["database"]["engine"] == "sqlite":
            _restore_sqlite(staging, manifest)
        else:
            _restore_postgresql(staging, manifest)
        files = _restore_media(staging)
    missing = missing_files() if not pending else []
    if missing:
        raise BackupError(f"Đã khôi phục CSDL nhưng thiếu {len(missing)} tệp đính kèm mà dữ liệu nhắc tới.")
    return Restored(manifest=manifest, files=files, pending_migrations=pending,
                    settings_differences=settings_differences(manifest))  # fmt: skip
