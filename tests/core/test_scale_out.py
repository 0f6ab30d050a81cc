"""Several app servers on one database: two real ``dangbo serve`` processes (gunicorn, two workers each) on two
ports, one PostgreSQL database of their own and — in one variant — one Redis for cache and sessions.

A browser behind a load balancer lands on either server: it logs in through one and goes on through the other
with the same session cookie; failed logins spread over both servers add up to one lock that holds on both; own
documents issued at the same time through both servers get unique, consecutive numbers. Skipped when there is
no PostgreSQL (``DATABASE_URL``, or 127.0.0.1:5432) or, for the Redis variant, no Redis at 127.0.0.1:6379.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie

import pytest

from tests.sites import ON_POSTGRES, PG_URL, REPO, Site, _url_of

SERVER_PG = (
    PG_URL
    if ON_POSTGRES
    else os.environ.get("DANGBO_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
)
REDIS_URL = os.environ.get(
    "DANGBO_TEST_REDIS_URL", "redis://127.0.0.1:6379/11"
)  # a database number of its own
PASSWORD = "Nghe-An-2026-Pw"
FAILURE_LIMIT = 5

SETUP = textwrap.dedent(
    """
    import datetime as dt, json, os
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    import django
    django.setup()
    from dangbo.accounts.models import User
    from dangbo.organizations import services as orgs
    from dangbo.steering.models import DocumentType

    root = User.objects.create_superuser("quantri", password=%(pw)r, full_name="Nguyễn Quản Trị")
    User.objects.create_user("canbo", password=%(pw)r, full_name="Trần Văn Cán")
    province = orgs.organization_create(actor=root, parent=None,
                                        data={"name": "Đảng bộ tỉnh Nghệ An", "code": "NA", "kind": "tinh"})
    orgs.term_create(actor=root, organization=province, name="2020–2025", start_date=dt.date(2020, 10, 1))
    print(json.dumps({"register": province.pk, "doc_type": DocumentType.objects.get(code="CT").pk}))
    """
) % {"pw": PASSWORD}


def _postgres_reachable() -> bool:
    import psycopg

    try:
        psycopg.connect(_url_of("postgres", SERVER_PG), connect_timeout=2).close()
    except Exception:  # noqa: BLE001 — any failure means: no server to run against
        return False
    return True


def _redis_reachable() -> bool:
    try:
        import redis
    except ImportError:
        return False
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:  # noqa: BLE001
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One user's cookies, sent to whichever server answers (cookies do not depend on the port)."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.headers), text
        finally:
            conn.close()

    def login(self, port: int, username: str, password: str) -> int:
        self.request(port, "GET", "/tai-khoan/dang-nhap/")
        status, _, _ = self.request(port, "POST", "/tai-khoan/dang-nhap/",
                                    {"username": username, "password": password})  # fmt: skip
        return status


def _start(env: dict, port: int, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "dangbo.cli", "serve", "--no-demo", "--no-worker", "--port", str(port), "--workers", "2"],
        env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip


def _wait_until_up(process: subprocess.Popen, port: int, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"dangbo serve stopped (exit {process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"dangbo serve did not answer on port {port}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module", params=["redis", "database"])
def servers(request, tmp_path_factory):
    if not _postgres_reachable():
        pytest.skip(
            f"cần PostgreSQL ({SERVER_PG.split('@')[-1].rsplit('/', 1)[0]}) để chạy hai máy chủ ứng dụng trên một CSDL"
        )
    if request.param == "redis" and not _redis_reachable():
        pytest.skip(f"cần Redis ({REDIS_URL}) cho biến thể bộ nhớ đệm và phiên trong Redis")
    root = tmp_path_factory.mktemp(f"scale-{request.param}")
    site = Site(root, "shared", pg_url=SERVER_PG, prefix="dangbo_scale")
    processes = []
    try:
        site.dangbo("migrate", "-v0")
        script = root / "setup.py"
        script.write_text(SETUP)
        done = subprocess.run([sys.executable, str(script)], env=site.env, cwd=REPO, capture_output=True, text=True,
                              timeout=120, check=True)  # fmt: skip
        ids = json.loads(done.stdout.strip().splitlines()[-1])
        ports = [_free_port(), _free_port()]
        for n, port in enumerate(ports):
            # Each server its own data directory (static files), the same secret key (it signs the session data).
            env = {**site.env, "DANGBO_DATA_DIR": str(root / f"app{n + 1}"), "DANGBO_SECRET_KEY": "scale-out-" * 6,
                   "DANGBO_LOGIN_FAILURE_LIMIT": str(FAILURE_LIMIT)}  # fmt: skip
            env.pop("DANGBO_REDIS_URL", None)
            if request.param == "redis":
                env["DANGBO_REDIS_URL"] = REDIS_URL
            processes.append(_start(env, port, (root / f"app{n + 1}.log").open("w")))
        for process, port in zip(processes, ports, strict=True):
            _wait_until_up(process, port)
        if request.param == "redis":
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()
        yield {"kind": request.param, "site": site, "ports": ports, "root": root, **ids}
    finally:
        for process in processes:
            _stop(process)
        if request.param == "redis" and _redis_reachable():
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()
        site.drop()


def test_logged_in_through_one_server_continues_through_the_other(servers):
    one, two = servers["ports"]
    browser = Browser()
    assert browser.login(one, "quantri", PASSWORD) == 302
    status, _, page = browser.request(two, "GET", "/chi-dao/van-ban/")
    assert status == 200 and "Nguyễn Quản Trị" in page
    status, headers, _ = Browser().request(two, "GET", "/chi-dao/van-ban/")  # no session: the login page
    assert status == 302 and "/tai-khoan/dang-nhap/" in headers["Location"]
    status, _, body = browser.request(two, "GET", "/suc-khoe/")
    assert status == 200 and json.loads(body).get("cache") == ("ok" if servers["kind"] == "redis" else None)
    if servers["kind"] == "redis":
        import redis

        assert redis.Redis.from_url(REDIS_URL).keys("dangbo:*session*"), "the session is cached in Redis"
    else:  # the cache's table, made by migrate
        db = servers["site"].connect()
        try:
            assert db.execute("SELECT to_regclass('dangbo_cache')").fetchone()[0] == "dangbo_cache"
        finally:
            db.close()
    # Logging out through the second server ends the session on the first too.
    assert browser.request(two, "POST", "/tai-khoan/dang-xuat/", {})[0] == 302
    status, headers, _ = browser.request(one, "GET", "/chi-dao/van-ban/")
    assert status == 302 and "/tai-khoan/dang-nhap/" in headers["Location"]


def test_failed_logins_on_both_servers_lock_the_account_on_both(servers):
    one, two = servers["ports"]
    browser = Browser()
    for n in range(FAILURE_LIMIT):
        status = browser.login((one, two)[n % 2], "canbo", "sai-mat-khau")
        assert status == (200 if n < FAILURE_LIMIT - 1 else 429), n
    for port in (one, two):  # the right password changes nothing while locked, on either server
        assert browser.login(port, "canbo", PASSWORD) == 429
        assert "sessionid" not in browser.cookies


def test_documents_issued_at_once_through_both_servers_get_consecutive_numbers(servers):
    one, two = servers["ports"]
    browser = Browser()
    assert browser.login(one, "quantri", PASSWORD) == 302
    form = {"register": servers["register"], "direction": "di", "doc_type": servers["doc_type"],
            "issuer_code": "TU", "issuer_name": "Tỉnh ủy Nghệ An", "issued_date": "15/06/2026",
            "signer": "Nguyễn Văn Sơn"}  # fmt: skip

    def issue(n):
        status, headers, page = browser.request((one, two)[n % 2], "POST", "/chi-dao/van-ban/them/",
                                                {**form, "summary": f"Chỉ thị số thứ tự {n}"})  # fmt: skip
        assert status == 302, re.sub(r"\s+", " ", page)[:2000]
        return headers["Location"]

    with ThreadPoolExecutor(8) as pool:
        locations = list(pool.map(issue, range(16)))
    assert len(set(locations)) == 16
    db = servers["site"].connect()
    try:
        rows = db.execute(
            "SELECT number FROM steering_document WHERE direction = 'di' ORDER BY number"
        ).fetchall()
    finally:
        db.close()
    assert [r[0] for r in rows] == list(range(1, 17))


def test_a_redis_address_that_is_not_one_is_refused_at_start(tmp_path):
    env = {**os.environ, "DANGBO_DATA_DIR": str(tmp_path), "DANGBO_REDIS_URL": "127.0.0.1:6379"}
    done = subprocess.run([sys.executable, "-m", "dangbo.cli", "check"], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode != 0 and "DANGBO_REDIS_URL='127.0.0.1:6379'" in done.stderr


def test_health_answers_503_when_the_configured_redis_does_not(client, db, settings):
    from django.core.cache import caches

    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": settings.REDIS_URL, "OPTIONS": {"socket_connect_timeout": 1}}}  # fmt: skip
    try:
        response = client.get("/suc-khoe/")
    finally:
        caches["default"].close()
    assert response.status_code == 503
    assert response.json()["cache"] == "error" and response.json()["status"] == "error"
