"""Running dangbo for real: backup and restore, deployment settings, health check, logs, file permissions.

The backup tests run the real ``dangbo`` command in subprocesses against a database of their own — SQLite in a
temporary data directory, or, when ``DATABASE_URL`` points at PostgreSQL, two databases created for the test on
that server — while another process keeps writing through the services.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from dangbo.core import backup, clientip, health
from dangbo.core.logging import RedactPersonalData, StructuredFormatter
from tests.sites import ON_POSTGRES, PG_URL, REPO, Site, _admin, _url_of, _wait_for  # noqa: F401 (tests/jobs)

WRITER = textwrap.dedent(
    """
    # Writes through the services until the stop file appears; after each commit, the number of members written.
    import datetime as dt, os, sys
    from pathlib import Path
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    import django
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from dangbo.accounts.models import User
    from dangbo.members import services as members
    from dangbo.organizations import services as orgs
    from dangbo.steering.documents import services as documents

    stop, progress = Path(sys.argv[1]), Path(sys.argv[2])
    root = User.objects.create_superuser("root", password="x-Unused-Pw-1", full_name="Quản trị")
    province = orgs.organization_create(actor=root, parent=None,
                                        data={"name": "Đảng bộ tỉnh Nghệ An", "code": "NA", "kind": "tinh"})
    bloc = orgs.organization_create(actor=root, parent=province,
                                    data={"name": "Đảng bộ Khối các cơ quan tỉnh", "code": "KCQ", "kind": "truc_thuoc"})
    cell = orgs.organization_create(actor=root, parent=bloc,
                                    data={"name": "Chi bộ Sở Tư pháp", "code": "STP", "kind": "chi_bo_co_so"})
    documents.document_register(actor=root, register=province, data={
        "doc_type": "CT", "number": 3, "issuer_code": "TW", "issuer_name": "Ban Chấp hành Trung ương",
        "issued_date": dt.date(2011, 5, 14), "received_date": dt.date(2011, 5, 20),
        "summary": "Về tăng cường học tập và làm theo tấm gương đạo đức Hồ Chí Minh", "signer": "Nguyễn Phú Trọng",
    }, upload=SimpleUploadedFile("Chỉ thị 03.pdf", b"%PDF-1.4 chi thi 03", content_type="application/pdf"))
    written = 0
    while not stop.exists():
        members.member_create(actor=root, since=dt.date(2015, 1, 1), data={
            "full_name": f"Nguyễn Văn Hùng {written}", "gender": "nam", "birth_date": dt.date(1980, 5, 17),
            "ethnicity": "Kinh", "religion": "Không", "organization": cell, "status": "chinh_thuc",
            "joined_date": dt.date(2005, 3, 2), "official_date": dt.date(2006, 3, 2),
            "citizen_id": f"040080{written:06d}", "general_education": "12/12", "political_theory": "trung_cap"})
        written += 1
        # Written whole, then renamed over the old count: a reader never sees a half-written file.
        progress.with_suffix(".tmp").write_text(str(written))
        progress.with_suffix(".tmp").replace(progress)
    """
)


def _written(progress: Path) -> int:
    try:
        return int(progress.read_text() or 0)
    except (FileNotFoundError, ValueError):
        return 0


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory):
    """A source installation that a writer process keeps writing to while ``dangbo backup --keep 1`` runs (after
    a first backup that the retention then removes), and the archive restored into an empty target."""
    root = tmp_path_factory.mktemp("ops")
    source, target = Site(root, "src"), Site(root, "dst")
    try:
        source.dangbo("migrate", "-v0")
        first = source.dangbo("backup", "--output", str(root / "backups"))
        stop, progress = root / "stop", root / "progress"
        script = root / "writer.py"
        script.write_text(WRITER)
        writer = subprocess.Popen([sys.executable, str(script), str(stop), str(progress)], env=source.env, cwd=REPO,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        try:
            _wait_for(lambda: _written(progress) >= 20 or writer.poll() is not None)
            assert writer.poll() is None, writer.communicate()
            before = _written(progress)
            done = source.dangbo("backup", "--output", str(root / "backups"), "--keep", "1")
            after = _written(progress)
            _wait_for(lambda: _written(progress) >= after + 5)  # the writer went on after the snapshot
        finally:
            stop.touch()
            out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        archive = Path(re.search(r"Đã sao lưu: (\S+)", done.stdout).group(1))
        restored = target.dangbo("restore", str(archive))
        yield {
            "root": root, "source": source, "target": target, "archive": archive, "first": first.stdout,
            "backup": done.stdout, "restored": restored.stdout, "before": before, "after": after,
            "manifest": backup.read_archive(archive, root / "unpacked"),
        }  # fmt: skip
    finally:
        source.drop()
        target.drop()


def test_restored_copy_has_every_table_and_the_audit_history_of_the_snapshot(backed_up):
    manifest, source, target = backed_up["manifest"], backed_up["source"], backed_up["target"]
    restored = target.state()
    # Identical row counts in every table, the same migrations, the same audit history.
    assert restored["tables"] == manifest["tables"] and len(manifest["tables"]) > 30
    assert restored["migrations"] == manifest["migrations"]
    assert restored["audit"] == manifest["audit"]
    # The snapshot is a moment of the source: its audit history is exactly the source's events up to that moment
    # (none lost, none changed), and the source went on writing afterwards.
    db = source.connect()
    try:
        prefix = backup.audit_digest(db.cursor(), upto=manifest["audit"]["last_id"])
    finally:
        db.close()
    assert prefix == manifest["audit"]
    assert source.state()["audit"]["count"] > manifest["audit"]["count"]


def test_backup_is_consistent_while_the_server_writes(backed_up):
    """Every member written before the backup started is in it (a plain copy of a SQLite file in WAL mode is not),
    and each member arrives with its own audit event: one transaction, never half of it."""
    manifest, before, after = backed_up["manifest"], backed_up["before"], backed_up["after"]
    members = manifest["tables"]["members_member"]
    assert before <= members <= after + 1
    assert after > before, "the writer did not write while the backup ran"
    db = backed_up["target"].connect()
    try:
        cursor = db.cursor()
        cursor.execute(
            "SELECT COUNT(*) FROM audit_auditevent e JOIN django_content_type t ON t.id = e.content_type_id"
            " WHERE t.app_label = 'members' AND t.model = 'member' AND e.action = 'create'"
        )
        assert cursor.fetchone()[0] == members
    finally:
        db.close()


def test_archive_holds_uploads_settings_and_checksums_but_not_the_secret_key(backed_up):
    manifest = backed_up["manifest"]
    engine = "postgresql" if ON_POSTGRES else "sqlite"
    assert manifest["database"]["engine"] == engine
    with tarfile.open(backed_up["archive"]) as tar:
        names = set(tar.getnames())
    uploads = [n for n in names if n.startswith("media/")]
    assert len(uploads) == 1 and uploads[0].endswith(".pdf")
    assert (
        names
        == {"manifest.json", manifest["database"]["file"], *uploads}
        == {"manifest.json", *manifest["files"]}
    )
    assert not any("secret" in n for n in names) and manifest["secret_key_included"] is False
    assert manifest["settings"]["DANGBO_UPLOAD_MAX_MB"] == 20 and "SECRET_KEY" not in manifest["settings"]
    restored_upload = backed_up["target"].data_dir / uploads[0]
    assert restored_upload.read_bytes() == b"%PDF-1.4 chi thi 03"
    assert "1 tệp tải lên — khớp" in backed_up["restored"]


def test_retention_keeps_the_newest_archives(backed_up):
    first = re.search(r"Đã sao lưu: (\S+)", backed_up["first"]).group(1)
    assert not Path(first).exists() and f"đã xóa bản cũ: {Path(first).name}" in backed_up["backup"]
    assert backup.archives(backed_up["archive"].parent) == [backed_up["archive"]]


def test_prune_removes_only_dated_archives_beyond_keep(tmp_path):
    names = ["dangbo-20250101-010000.tar.gz", "dangbo-20250102-010000.tar", "dangbo-20250103-010000.tar.gz",
             "notes.txt", "dangbo-copy.tar.gz"]  # fmt: skip
    for name in names:
        (tmp_path / name).write_text("x")
    removed = backup.prune(tmp_path, 2)
    assert [p.name for p in removed] == ["dangbo-20250101-010000.tar.gz"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[1:])


def test_data_directories_are_private(backed_up):
    for site in (backed_up["source"], backed_up["target"]):
        assert stat.S_IMODE(site.data_dir.stat().st_mode) == 0o700
        files = [p for p in site.data_dir.rglob("*") if p.is_file()]
        assert files
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        for path in (p for p in site.data_dir.rglob("*") if p.is_dir()):
            assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    assert stat.S_IMODE(backed_up["archive"].stat().st_mode) == 0o600


def test_restore_refuses_a_target_that_is_not_empty(backed_up):
    again = backed_up["target"].dangbo("restore", str(backed_up["archive"]), check=False)
    assert again.returncode != 0
    assert "Nơi khôi phục không trống" in again.stderr
    assert backed_up["target"].state()["tables"] == backed_up["manifest"]["tables"]  # untouched


def _repack(archive: Path, out: Path, change) -> Path:
    """A copy of ``archive`` with ``change(name, bytes) -> bytes`` applied to each member."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src.getmembers():
            data = change(member.name, src.extractfile(member).read())
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return out


def test_restore_refuses_a_corrupted_archive(backed_up, tmp_path):
    database = backed_up["manifest"]["database"]["file"]

    def flip(name, data):
        return data[:-100] + bytes([data[-100] ^ 1]) + data[-99:] if name == database else data

    corrupted = _repack(backed_up["archive"], tmp_path / "corrupted.tar.gz", flip)
    with pytest.raises(backup.BackupError, match=f"tệp {database} không khớp mã kiểm tra SHA-256"):
        backup.read_archive(corrupted, tmp_path / "a")
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(backed_up["archive"].read_bytes()[:5000])
    with pytest.raises(backup.BackupError, match="bị hỏng"):
        backup.read_archive(truncated, tmp_path / "b")
    # The command says so and writes nothing.
    target = Site(tmp_path, "corrupt")
    try:
        done = target.dangbo("restore", str(corrupted), check=False)
        assert done.returncode != 0 and "không khớp mã kiểm tra" in done.stderr
        assert not (target.data_dir / "media").exists()
        if ON_POSTGRES:
            assert target.state()["tables"] == {}
        else:
            assert not (target.data_dir / "dangbo.sqlite3").exists()
    finally:
        target.drop()


def _manifest_changed(backed_up, tmp_path, edit) -> dict:
    def change(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()

    tmp_path.mkdir(exist_ok=True)
    archive = _repack(backed_up["archive"], tmp_path / "changed.tar.gz", change)
    return backup.read_archive(archive, tmp_path / "unpacked")


def test_restore_refuses_an_archive_of_a_newer_version(backed_up, tmp_path):
    manifest = _manifest_changed(
        backed_up, tmp_path, lambda m: m["migrations"].append(["members", "9999_tuong_lai"])
    )
    with pytest.raises(backup.BackupError, match=r"phiên bản dangbo mới hơn .*members\.9999_tuong_lai"):
        backup.check_compatible(manifest)
    # An archive of an older version (a migration fewer) is accepted; the restored database then needs migrate.
    older = _manifest_changed(backed_up, tmp_path / "older", lambda m: m["migrations"].pop())
    assert backup.check_compatible(older) == ["{}.{}".format(*backed_up["manifest"]["migrations"][-1])]


def test_restore_refuses_an_archive_of_the_other_database(backed_up, tmp_path):
    other = "sqlite" if ON_POSTGRES else "postgresql"
    manifest = _manifest_changed(backed_up, tmp_path, lambda m: m["database"].update(engine=other))
    with pytest.raises(backup.BackupError, match=f"CSDL {other}"):
        backup.check_compatible(manifest)


def test_pg_dump_is_not_older_than_the_server(db):
    if not ON_POSTGRES:
        pytest.skip("chỉ kiểm tra khi DATABASE_URL là PostgreSQL")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    assert shutil.which("pg_dump") and shutil.which("pg_restore")
    assert backup._major(backup._tool_version(shutil.which("pg_dump"))) >= backup._major(server)


# --- Deployment settings ---------------------------------------------------------------------------------------

PRODUCTION = {
    "DANGBO_HTTPS": "1",
    "DANGBO_ALLOWED_HOSTS": "dangbo.tinhuy.example.vn",
    "DANGBO_TRUSTED_PROXIES": "127.0.0.1",
    "DANGBO_CSRF_TRUSTED_ORIGINS": "https://dangbo.tinhuy.example.vn",
}


def _check_deploy(tmp_path, extra: dict) -> subprocess.CompletedProcess:
    # The environment of a server: none of this run's settings, nor the browser tests' async switch.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DANGBO_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(DANGBO_DATA_DIR=str(tmp_path / "var"), **extra)
    return subprocess.run([sys.executable, "-m", "dangbo.cli", "check", "--deploy", "--fail-level", "WARNING"],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=120)  # fmt: skip


def test_check_deploy_is_clean_in_the_documented_production_configuration(tmp_path):
    done = _check_deploy(tmp_path, PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout
    # Without HTTPS the same check names what is missing: the test above can fail.
    plain = _check_deploy(tmp_path, {k: v for k, v in PRODUCTION.items() if k != "DANGBO_HTTPS"})
    assert plain.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in plain.stderr
    # HTTPS without the proxy that provides it would redirect for ever: the check says so.
    direct = _check_deploy(tmp_path, {k: v for k, v in PRODUCTION.items() if k != "DANGBO_TRUSTED_PROXIES"})
    assert direct.returncode != 0 and "dangbo.W001" in direct.stderr


def test_https_settings_follow_the_environment(tmp_path):
    code = ("from django.conf import settings as s; import json; print(json.dumps([s.SECURE_SSL_REDIRECT,"
            " s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER,"
            " s.CSRF_TRUSTED_ORIGINS]))")  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGBO_")}
    env.update(DANGBO_DATA_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="dangbo.settings", **PRODUCTION)
    out = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], env=env,
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert json.loads(out) == [True, 31536000, True, True, ["HTTP_X_FORWARDED_PROTO", "https"],
                               ["https://dangbo.tinhuy.example.vn"]]  # fmt: skip


def test_pages_and_downloads_are_not_stored_and_carry_the_policy(client, people, tree, root_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangbo.steering.documents import services as documents

    client.force_login(people.staff)
    page = client.get(reverse("members:detail", args=[people.m_a1.pk]))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    policy = page["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    )
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    doc = documents.document_register(actor=root_user, register=tree.bloc, upload=SimpleUploadedFile(
        "Chỉ thị 03.pdf", b"%PDF-1.4 x", content_type="application/pdf"), data={
        "doc_type": "CT", "number": 3, "issuer_code": "TW", "issuer_name": "Ban Chấp hành Trung ương",
        "issued_date": dt.date(2011, 5, 14), "received_date": dt.date(2011, 5, 20), "summary": "Về học tập", "signer": "A"})  # fmt: skip
    download = client.get(reverse("steering:document_file", args=[doc.pk]))
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    assert "no-store" in client.get(reverse("accounts:login"))["Cache-Control"]


def test_uploaded_files_are_private(settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path / "media")
    name = storage.save("steering/2025/a.pdf", ContentFile(b"%PDF-1.4"))
    assert stat.S_IMODE((tmp_path / "media" / name).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "media" / "steering" / "2025").stat().st_mode) == 0o700


# --- Health check ------------------------------------------------------------------------------------------------


def test_health_answers_without_login(client, db):
    response = client.get("/suc-khoe/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok", "job_queue": "no_worker",
                               "job_workers": 0, "jobs_waiting": 0, "version": health.program_version()}  # fmt: skip
    assert "sessionid" not in response.cookies


def test_health_reports_pending_migrations_and_an_unreachable_database(client, db, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(health, "_migrations_done", False)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("members", "9999")])
    response = client.get("/suc-khoe/")
    assert response.status_code == 503 and response.json()["migrations"] == "pending"
    monkeypatch.setattr(health, "database_reachable", lambda: False)
    response = client.get("/suc-khoe/")
    assert response.status_code == 503 and response.json()["database"] == "error"


# --- The client's address behind a proxy, and the login lock ---------------------------------------------------


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_client_ip_believes_the_header_only_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = []
    assert clientip.client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/24"]
    # Straight from a browser: a header it made up is ignored.
    assert clientip.client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
    # Through the proxy: the address the proxy saw, not what the client wrote to its left.
    assert clientip.client_ip(_request("127.0.0.1", "198.51.100.1, 203.0.113.7")) == "203.0.113.7"
    # Through two proxies of ours.
    assert clientip.client_ip(_request("127.0.0.1", "203.0.113.7, 10.0.0.5")) == "203.0.113.7"
    assert clientip.client_ip(_request("127.0.0.1", "[2001:db8::7]:4711")) == "2001:db8::7"
    assert clientip.client_ip(_request("127.0.0.1")) == "127.0.0.1"


def test_behind_a_proxy_the_login_lock_is_per_real_client(client, people, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    login = reverse("accounts:login")
    attacker = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": "staff", "password": "sai-mat-khau"}, **attacker)
    locked = client.post(login, {"username": "staff", "password": "Mat-khau-9x"}, **attacker)
    assert locked.status_code != 302  # the attacker's address is locked out, even with the right password
    # The owner of the account, through the same proxy, still logs in.
    owner = client.post(login, {"username": "staff", "password": "Mat-khau-9x"},
                        REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9")  # fmt: skip
    assert owner.status_code == 302 and owner["Location"] == reverse("workspace:home")


# --- Logs ---------------------------------------------------------------------------------------------------------


def _record(msg, **extra):
    record = logging.LogRecord("dangbo.request", logging.INFO, __file__, 1, msg, (), None)
    record.__dict__.update(extra)
    RedactPersonalData().filter(record)
    return record


def test_log_lines_are_structured_and_without_personal_data():
    record = _record(
        "Lỗi khi lưu CCCD 040080123456", path="/dang-vien/7/", status=500, note="ĐT 0912 345 678"
    )
    line = StructuredFormatter().format(record)
    assert re.search(r'^time=\S+ level=INFO logger=dangbo.request msg="Lỗi khi lưu CCCD \[đã ẩn\]" ', line)
    assert "path=/dang-vien/7/ status=500" in line and "040080123456" not in line and "345 678" not in line
    fields = json.loads(StructuredFormatter(as_json=True).format(_record("x", note="ĐT 0912345678")))
    assert fields["note"] == "ĐT [đã ẩn]" and fields["level"] == "INFO"


def test_each_request_is_logged_without_query_string_or_names(client, people, caplog):
    client.force_login(people.staff)
    with caplog.at_level(logging.INFO, logger="dangbo.request"):
        client.get(reverse("members:list"), {"q": "Nguyễn Văn Hùng"})
    [record] = [r for r in caplog.records if r.name == "dangbo.request"]
    line = StructuredFormatter().format(record)
    assert (
        record.path == reverse("members:list") and record.status == 200 and record.user_id == people.staff.pk
    )
    assert "Nguy" not in line and "q=" not in line and "staff" not in line


def test_log_lines_carry_the_request_id():
    from dangbo.core.middleware import current_request_id

    token = current_request_id.set("5f0c7c1e-0000-4000-8000-000000000001")
    try:
        line = StructuredFormatter().format(_record("request"))
    finally:
        current_request_id.reset(token)
    assert "request_id=5f0c7c1e-0000-4000-8000-000000000001" in line


# --- Content-Security-Policy: nothing inline in the templates ---------------------------------------------------

INLINE = [
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on…= event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"<style", re.I), "<style> block"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"hx-on", re.I), "hx-on (evaluated script)"),
]


def test_templates_have_no_inline_script_or_style():
    """The Content-Security-Policy refuses inline script and style: behaviour goes in static/dangbo/app.js
    (data-auto-submit, data-confirm), looks in app.css."""
    templates = sorted((REPO / "src" / "dangbo").rglob("templates/**/*.html"))
    assert len(templates) > 40
    found = [f"{path.relative_to(REPO)}: {what}" for path in templates for pattern, what in INLINE
             if pattern.search(path.read_text())]  # fmt: skip
    assert not found, "\n".join(found)


def test_pages_name_a_favicon_that_exists(client):
    """Browsers ask for an icon on every page: the page names one that is served (not a 404 in every log)."""
    from django.contrib.staticfiles import finders

    html = client.get(reverse("accounts:login")).content.decode()
    icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', html)
    assert icon and finders.find(icon.group(1))
