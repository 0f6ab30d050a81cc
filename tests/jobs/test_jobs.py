"""Background jobs (dangbo.jobs): starting them, running them through the real worker loop of the django-tasks
database backend, their progress and result on the job page, failures, cancellation, a worker killed mid-run,
who sees which job, the health check, and the Redis (RQ) backend.

How the worker runs here. Most tests run the database backend's own worker loop (``db_worker``'s ``Worker``) in a
thread of the test process, against the test database. On SQLite the test database lives in memory and a
subprocess could not see it; threads can, and — as Django's live server does — the worker thread uses the test
thread's connection to it (separate connections to a shared in-memory database refuse each other with "table is
locked" instead of waiting). The job functions of these tests stop at each step until the test has looked
(``Steps``), so the two threads never use the database at the same moment and what the test sees is exact. On
PostgreSQL every thread has its own connection, as in production. The tests that kill a worker, and the Redis one,
run the real ``dangbo worker`` command in subprocesses against a database of their own (an SQLite file in a
temporary data directory, or a PostgreSQL database created for the test), like tests/core/test_operations.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from urllib.parse import quote

import pytest
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone

from dangbo.audit.models import AuditEvent
from dangbo.core.errors import ApplicationError
from dangbo.jobs import registry, runner, services, worker
from dangbo.jobs.choices import JobState
from dangbo.jobs.models import Job, WorkerHeartbeat
from dangbo.jobs.policies import staff_over_scope
from dangbo.jobs.registry import JobResult
from tests.core.test_operations import ON_POSTGRES, REPO, Site, _wait_for


class Steps:
    """A job function that reports step i of n, then waits until the test lets it go on."""

    def __init__(self, n: int = 3, result_file: bool = False):
        self.n, self.result_file = n, result_file
        self.reached: queue.Queue = queue.Queue()
        self.go = [threading.Event() for _ in range(n)]
        self.ran_after: list[int] = []

    def run(self, job, progress):
        for i in range(1, self.n + 1):
            progress(i, self.n, f"Đang làm bước {i}")
            self.ran_after.append(i)
            self.reached.put(i)
            if not self.go[i - 1].wait(30):
                raise RuntimeError("the test did not let the job go on")
        if self.result_file:
            path = runner.result_path(job, ".csv")
            path.write_text("Tổ chức,Số đảng viên\nChi bộ Văn phòng,2\n", encoding="utf-8")
            return JobResult(f"Đã làm {self.n} bước.", file=path, filename="Kết quả.csv")
        return f"Đã làm {self.n} bước."

    def wait(self, i: int) -> None:
        assert self.reached.get(timeout=30) == i

    def release(self, i: int) -> None:
        self.go[i - 1].set()

    def release_all(self) -> None:
        for event in self.go:
            event.set()


@pytest.fixture
def kind():
    """Registers job kinds for one test: ``kind("key", func, allowed=…)``."""
    added = []

    def add(key, func, *, allowed=staff_over_scope, scoped=True, **options):
        registry.job(key, f"Kiểm thử {key}", allowed=allowed, scoped=scoped, **options)(func)
        added.append(key)
        return key

    yield add
    for key in added:
        registry.unregister(key)


@pytest.fixture(autouse=True)
def _job_files(settings, tmp_path):
    settings.DANGBO_JOB_FILES_DIR = tmp_path / "job-files"


@pytest.fixture
def no_throttle(monkeypatch):
    monkeypatch.setattr(runner, "PROGRESS_INTERVAL", 0)


@contextlib.contextmanager
def worker_thread(worker_id="test-worker"):
    """The database backend's worker loop (batch mode: until the queue is empty) in a thread."""
    from django_tasks_db.management.commands.db_worker import Worker

    main = connections["default"]
    shared = main if main.vendor == "sqlite" and main.is_in_memory_db() else None
    loop = Worker(queue_names=["default"], interval=0.05, batch=True, backend_name="default", startup_delay=False,
                  max_tasks=None, worker_id=worker_id, excluded_queue_names=[])  # fmt: skip
    errors = []

    def target():
        if shared is not None:
            connections["default"] = shared
        try:
            loop.run()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            if shared is None:
                connections.close_all()

    if shared is not None:
        shared.inc_thread_sharing()
    thread = threading.Thread(target=target, name="db-worker", daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        thread.join(60)
        if shared is not None:
            shared.dec_thread_sharing()
        assert not thread.is_alive(), "the worker loop did not finish"
        assert not errors, errors


# --- Running through the database backend's worker ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_through_the_database_worker_with_its_progress_and_result_on_the_page(
    client, tree, people, kind, no_throttle
):
    from django_tasks_db.models import DBTaskResult

    steps = Steps(3, result_file=True)
    key = kind("buoc", steps.run)
    job = services.start_job(actor=people.staff, kind=key, params={"nam": 2024}, scope_org=tree.a)
    assert job.state == JobState.QUEUED and DBTaskResult.objects.get(id=job.task_id).status == "READY"
    client.force_login(people.staff)
    assert (
        "Đang chờ tiến trình chạy nền nhận việc"
        in client.get(reverse("jobs:status", args=[job.pk])).content.decode()
    )

    with worker_thread():
        for i in (1, 2, 3):
            steps.wait(i)
            status = client.get(reverse("jobs:status", args=[job.pk])).content.decode()
            assert "Đang chạy" in status and f"Đang làm bước {i}" in status
            assert f"{i * 100 // 3}%" in status and f"({i}/3)" in status
            assert 'hx-trigger="every 1s"' in status  # the page keeps asking while the job runs
            steps.release(i)

    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.message) == (JobState.DONE, 3, 3, "Đã làm 3 bước.")
    assert job.worker_id == "test-worker" and job.started_at <= job.finished_at
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Xong" in page and "100%" in page and "Đã làm 3 bước." in page and "hx-trigger" not in page
    download = client.get(reverse("jobs:file", args=[job.pk]))
    assert download.status_code == 200 and quote("Kết quả.csv") in download["Content-Disposition"]
    assert b"".join(download.streaming_content).decode() == "Tổ chức,Số đảng viên\nChi bộ Văn phòng,2\n"
    assert (runner.files_dir() / job.result_file).stat().st_mode & 0o077 == 0  # the server's user only


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_ends_in_error_with_a_vietnamese_message_and_the_traceback_only_in_the_log(
    tree, people, kind, caplog
):
    def refuses(job, progress):
        progress(1, 10, "Đang đọc tệp")
        raise ApplicationError("Tệp nhập: dòng 3 thiếu họ và tên.")

    def breaks(job, progress):
        progress(2, 10)
        raise ValueError("số căn cước 040080123456 không đọc được")

    refused = services.start_job(actor=people.staff, kind=kind("tu_choi", refuses), scope_org=tree.a)
    broken = services.start_job(actor=people.staff, kind=kind("hong", breaks), scope_org=tree.a)
    with worker_thread():
        pass
    refused.refresh_from_db()
    broken.refresh_from_db()
    assert (refused.state, refused.error, refused.done) == (
        JobState.FAILED,
        "Tệp nhập: dòng 3 thiếu họ và tên.",
        1,
    )
    assert broken.state == JobState.FAILED and broken.error == runner.unexpected(broken.pk)
    assert "040080123456" not in broken.error and "ValueError" not in broken.error
    assert "lỗi ngoài dự kiến" in broken.error and f"cong-viec-{broken.pk}" in broken.error
    # The traceback is in the server log, through its personal-data filter.
    logged = [r.getMessage() for r in caplog.records if r.name == "dangbo.jobs" and r.levelname == "ERROR"]
    assert len(logged) == 1 and "Traceback" in logged[0] and "ValueError" in logged[0]
    assert "040080123456" not in logged[0] and "[đã ẩn]" in logged[0]


@pytest.mark.django_db(transaction=True)
def test_a_cancelled_job_stops_at_its_next_step_and_a_queued_one_never_runs(
    client, tree, people, kind, no_throttle
):
    steps = Steps(3)
    key = kind("buoc", steps.run, one_at_a_time=False)
    running = services.start_job(actor=people.staff, kind=key, scope_org=tree.a)
    waiting = services.start_job(actor=people.staff, kind=key, scope_org=tree.a)
    client.force_login(people.staff)
    response = client.post(reverse("jobs:cancel", args=[waiting.pk]), follow=True)
    assert "Đã hủy công việc." in response.content.decode()
    with worker_thread():
        steps.wait(1)
        services.job_cancel(actor=people.staff, job=running)
        assert "Đã yêu cầu hủy" in client.get(reverse("jobs:status", args=[running.pk])).content.decode()
        steps.release_all()
    running.refresh_from_db()
    waiting.refresh_from_db()
    assert running.state == JobState.CANCELLED and steps.ran_after == [1]  # steps 2 and 3 never ran
    assert "Đã dừng theo yêu cầu hủy" in running.message
    assert waiting.state == JobState.CANCELLED and waiting.started_at is None
    with pytest.raises(ApplicationError, match="đã kết thúc"):
        services.job_cancel(actor=people.staff, job=running)
    changes = AuditEvent.objects.filter(object_id=str(running.pk), content_type__model="job").values_list(
        "action", flat=True
    )
    assert sorted(changes) == ["create", "update"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not ON_POSTGRES, reason="PostgreSQL: progress from inside a transaction goes through a second connection"
)
def test_progress_reported_inside_a_transaction_is_seen_at_once_on_postgresql(
    tree, people, kind, no_throttle
):
    seen, go = threading.Event(), threading.Event()

    def in_one_transaction(job, progress):
        with transaction.atomic():
            progress(1, 2, "Đang ghi trong một giao dịch")
            seen.set()
            go.wait(30)
        return "xong"

    job = services.start_job(actor=people.staff, kind=kind("giao_dich", in_one_transaction), scope_org=tree.a)
    with worker_thread():
        assert seen.wait(30)
        job.refresh_from_db()  # this thread's own connection: outside the job's open transaction
        assert (job.done, job.step) == (1, "Đang ghi trong một giao dịch")
        go.set()
    job.refresh_from_db()
    assert job.state == JobState.DONE


def test_a_job_function_runs_directly_inside_a_test_transaction(db, tree, people, kind):
    """How other apps test their job kinds: ``runner.execute`` without a worker (here the test's transaction is
    open all along; the progress is written inside it)."""

    def counts(job, progress):
        for i in range(1, 4):
            progress(i, 3, f"Bước {i}")
        return f"Đã đếm {job.params['so']} lần."

    job = services.start_job(actor=people.staff, kind=kind("dem", counts), params={"so": 3}, scope_org=tree.a)
    assert runner.execute(job.pk, worker_id="thu") == JobState.DONE
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.message) == (JobState.DONE, 3, 3, "Đã đếm 3 lần.")
    assert runner.execute(job.pk) == ""  # delivered twice: the second delivery does nothing


# --- A worker that dies --------------------------------------------------------------------------------------------


def _row(site: Site, pk: int) -> dict:
    db = site.connect()
    try:
        cursor = db.cursor()
        cursor.execute(f"SELECT state, done, error, message, worker_id FROM jobs_job WHERE id = {int(pk)}")
        row = cursor.fetchone()
        return dict(zip(("state", "done", "error", "message", "worker_id"), row, strict=True)) if row else {}
    finally:
        db.close()


def _count(site: Site, table: str) -> int:
    db = site.connect()
    try:
        cursor = db.cursor()
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]
    finally:
        db.close()


def _worker(site: Site, log_path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dangbo.cli", "worker", "--interval", "0.2"], env=site.env,
                            cwd=REPO, stdout=log_path.open("a"), stderr=subprocess.STDOUT)  # fmt: skip


def _start_trial(site: Site, *, steps: int, seconds: float) -> None:
    """Migrate the site's database and queue a trial job (#1) from the command line."""
    site.dangbo("migrate", "-v0")
    code = f"start_job(actor=None, kind='chay_thu', params={{'steps': {steps}, 'seconds': {seconds}}})"
    site.dangbo("shell", "-c", f"from dangbo.jobs.services import start_job; {code}")


def _stop(process: subprocess.Popen, log) -> int:
    """SIGTERM, as a service manager stops it; an idle worker leaves at once."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(60)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the worker did not stop on SIGTERM\n{log.read_text()}") from None


def _health(site: Site) -> dict:
    out = site.dangbo(
        "shell", "-c", "import json; from dangbo.core.health import status; print(json.dumps(status()))"
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def site(tmp_path):
    s = Site(tmp_path, "jobs")
    try:
        yield s
    finally:
        s.drop()


def test_a_job_killed_mid_run_is_failed_when_the_worker_starts_again_and_queued_jobs_run(site, tmp_path):
    _start_trial(site, steps=100, seconds=0.2)
    log = tmp_path / "worker.log"
    first = _worker(site, log)
    try:
        _wait_for(lambda: _row(site, 1).get("done", 0) >= 2, seconds=60)
        first.kill()  # no chance to clean up: as when the machine loses power or the process is OOM-killed
        first.wait(10)
    finally:
        first.kill()
    assert _row(site, 1)["state"] == "dang_chay"  # nobody can know yet

    queued = site.dangbo("backup", "--job", "--keep", "2")  # a job queued while no worker runs
    assert "Đã xếp công việc nền Sao lưu dữ liệu #2" in queued.stdout
    assert _health(site)["job_queue"] == "no_worker" and _health(site)["jobs_waiting"] == 1

    second = _worker(site, log)
    try:
        _wait_for(lambda: _row(site, 2).get("state") in ("xong", "loi"), seconds=120)
        killed, backup_job = _row(site, 1), _row(site, 2)
        assert killed["state"] == "loi" and killed["error"] == runner.INTERRUPTED
        assert backup_job["state"] == "xong", (backup_job, log.read_text())
        assert backup_job["message"].startswith("Đã sao lưu vào ")
        assert len(list((site.data_dir / "backups").glob("dangbo-*.tar*"))) == 1
        health = _health(site)
        assert (health["job_queue"], health["job_workers"], health["jobs_waiting"]) == ("ok", 1, 0)
        assert _stop(second, log) == 0
    finally:
        second.kill()
    assert _count(site, "jobs_workerheartbeat") == 0  # a clean stop takes its heartbeat away
    assert _health(site)["job_queue"] == "no_worker"


def _redis_url() -> str | None:
    try:
        import django_tasks_rq  # noqa: F401
        import redis
    except ImportError:
        return None
    url = os.environ.get("DANGBO_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return None
    return url


def test_jobs_run_on_the_redis_backend(site, tmp_path):
    url = _redis_url()
    if url is None:
        pytest.skip("Không có Redis ở 127.0.0.1:6379 (hoặc DANGBO_TEST_REDIS_URL) hay gói django-tasks-rq")
    import redis

    redis.Redis.from_url(url).flushdb()
    site.env["DANGBO_TASKS_BACKEND"] = url
    _start_trial(site, steps=3, seconds=0.1)
    log = tmp_path / "rq.log"
    process = _worker(site, log)
    try:
        _wait_for(lambda: _row(site, 1).get("state") in ("xong", "loi"), seconds=120)
        done = _row(site, 1)
        assert done.pop("worker_id").startswith(f"{worker.HOST}-")  # the RQ worker's name is our worker id
        assert done == {"state": "xong", "done": 3, "error": "",
                        "message": "Hàng đợi công việc hoạt động: đã chạy 3 bước."}, log.read_text()  # fmt: skip
        assert _health(site)["job_queue"] == "ok"
        _stop(process, log)
    finally:
        process.kill()
        redis.Redis.from_url(url).flushdb()
    assert "backend=RQBackend" in log.read_text() and "logger=rq.worker" in log.read_text()


# --- Recovery and cleanup, step by step --------------------------------------------------------------------------


def _running(worker_id, **fields):
    return Job.objects.create(kind="chay_thu", state=JobState.RUNNING, worker_id=worker_id,
                              started_at=timezone.now(), **fields)  # fmt: skip


def _beat(worker_id, *, host="may-khac", seconds_ago=0, pid=1):
    now = timezone.now() - dt.timedelta(seconds=seconds_ago)
    return WorkerHeartbeat.objects.create(worker_id=worker_id, host=host, pid=pid, backend="DatabaseBackend",
                                          started_at=now, last_seen=now)  # fmt: skip


def test_recovery_fails_only_the_jobs_of_dead_workers(db):
    _beat("song")  # another machine, heard of just now
    _beat("im-lang", seconds_ago=120)  # another machine, silent for two minutes
    _beat("da-tat", host=worker.HOST, pid=2**22 + 7)  # this machine, its process is gone
    alive, silent, gone, unknown = (
        _running("song"),
        _running("im-lang"),
        _running("da-tat"),
        _running("khong-ro"),
    )
    assert worker.recover(me="toi") == (3, 0)
    for job in (alive, silent, gone, unknown):
        job.refresh_from_db()
    assert alive.state == JobState.RUNNING
    assert [j.state for j in (silent, gone, unknown)] == [JobState.FAILED] * 3
    assert silent.error == runner.INTERRUPTED and silent.finished_at is not None
    assert set(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == {"song"}


def test_recovery_queues_again_a_job_whose_task_was_lost(db, root_user):
    from django_tasks_db.models import DBTaskResult

    job = services.start_job(actor=root_user, kind="chay_thu", params={"steps": 1})
    DBTaskResult.objects.all().delete()  # e.g. a Redis without persistence that restarted
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert worker.recover() == (0, 1)
    job.refresh_from_db()
    assert job.state == JobState.QUEUED and DBTaskResult.objects.get(id=job.task_id).status == "READY"
    assert worker.recover() == (0, 0)  # its task exists now


def test_result_files_are_deleted_after_their_days_and_the_page_says_so(
    client, db, root_user, settings, tmp_path
):
    settings.DANGBO_JOB_FILES_DIR = tmp_path
    old = Job.objects.create(kind="chay_thu", started_by=root_user, state=JobState.DONE, result_file="1-a.csv",
                             result_name="Danh sách.csv", finished_at=timezone.now() - dt.timedelta(days=8))  # fmt: skip
    new = Job.objects.create(kind="chay_thu", started_by=root_user, state=JobState.DONE, result_file="2-b.csv",
                             result_name="Danh sách.csv", finished_at=timezone.now() - dt.timedelta(days=1))  # fmt: skip
    (tmp_path / "1-a.csv").write_text("x")
    (tmp_path / "2-b.csv").write_text("y")
    assert worker.cleanup() == 1
    assert not (tmp_path / "1-a.csv").exists() and (tmp_path / "2-b.csv").exists()
    client.force_login(root_user)
    assert client.get(reverse("jobs:file", args=[old.pk])).status_code == 404
    assert (
        "Tệp kết quả Danh sách.csv đã được xóa"
        in client.get(reverse("jobs:detail", args=[old.pk])).content.decode()
    )
    assert client.get(reverse("jobs:file", args=[new.pk])).status_code == 200


# --- Starting a job: the service's rules -------------------------------------------------------------------------


def test_only_those_allowed_start_a_kind_and_a_refusal_saves_nothing(db, tree, people, root_user, kind):
    key = kind("buoc", Steps().run)
    for actor, scope in ((people.secretary_a, tree.a), (people.staff_b, tree.a), (people.staff, None)):
        with pytest.raises(ApplicationError):
            services.start_job(actor=actor, kind=key, scope_org=scope)
    with pytest.raises(ApplicationError, match="Sao lưu dữ liệu"):
        services.start_job(actor=people.staff, kind="sao_luu")  # administrators only
    with pytest.raises(ApplicationError, match="Loại công việc: không có"):
        services.start_job(actor=root_user, kind="khong_co")
    assert not Job.objects.exists() and not AuditEvent.objects.filter(content_type__model="job").exists()

    job = services.start_job(actor=people.staff, kind=key, params={"nam": 2024}, scope_org=tree.a)
    event = AuditEvent.objects.get(content_type__model="job", object_id=str(job.pk))
    assert (event.actor, event.action, event.scope_path) == (people.staff, "create", tree.a.path)
    assert (job.started_by, job.scope_org, job.params, job.state) == (
        people.staff,
        tree.a,
        {"nam": 2024},
        "cho",
    )


def test_parameters_are_plain_json_without_personal_data(db, root_user):
    for params, problem in (
        ({"cccd": "040080123456"}, "số căn cước"),
        ({"dien_thoai": "0912 345 678"}, "số căn cước"),
        ({"x": {1, 2}}, "chỉ gồm"),
        ([1, 2], "bảng giá trị"),
        ({"x": "a" * 5000}, "quá dài"),
    ):
        with pytest.raises(ApplicationError, match=problem) as refused:
            services.start_job(actor=root_user, kind="chay_thu", params=params)
        assert "040080123456" not in str(refused.value)
    assert not Job.objects.exists()


def test_a_kind_that_runs_one_at_a_time_refuses_a_second_while_the_first_is_unfinished(db, root_user):
    first = services.start_job(actor=None, kind="sao_luu")
    with pytest.raises(ApplicationError, match=f"đang chờ hoặc đang chạy \\(#{first.pk}\\)"):
        services.start_job(actor=root_user, kind="sao_luu", params={"keep": 3})
    services.job_cancel(actor=root_user, job=first)
    second = services.start_job(actor=root_user, kind="sao_luu", params={"keep": 3})
    assert second.params == {"keep": 3} and Job.objects.count() == 2


def test_run_again_starts_a_new_job_with_the_same_parameters(client, db, root_user):
    failed = Job.objects.create(kind="chay_thu", started_by=root_user, state=JobState.FAILED, params={"steps": 4},
                                error=runner.INTERRUPTED)  # fmt: skip
    client.force_login(root_user)
    assert "Chạy lại" in client.get(reverse("jobs:detail", args=[failed.pk])).content.decode()
    response = client.post(reverse("jobs:rerun", args=[failed.pk]))
    again = Job.objects.exclude(pk=failed.pk).get()
    assert response["Location"] == again.get_absolute_url()
    assert (again.kind, again.params, again.state, again.started_by) == (
        "chay_thu",
        {"steps": 4},
        "cho",
        root_user,
    )


# --- Pages: who sees which job -----------------------------------------------------------------------------------


@pytest.fixture
def jobs_of(db, tree, people, root_user, kind):
    """A finished job with a file of A's secretary (over A), one of the bloc's staff (over the bloc), and a backup
    started from the command line (over the whole installation)."""
    key = kind("xuat", Steps().run, allowed=lambda actor, org: True)
    mine = services.start_job(actor=people.secretary_a, kind=key, scope_org=tree.a)
    Job.objects.filter(pk=mine.pk).update(
        state=JobState.DONE, result_file=f"{mine.pk}-x.csv", result_name="A.csv"
    )
    runner.files_dir().mkdir(parents=True)
    (runner.files_dir() / f"{mine.pk}-x.csv").write_text("a")
    bloc = services.start_job(actor=people.staff, kind=key, scope_org=tree.bloc)
    system = services.start_job(actor=None, kind="sao_luu")
    return {"mine": mine, "bloc": bloc, "system": system}


def _visible(client, user) -> set[int]:
    client.force_login(user)
    return {j.pk for j in client.get(reverse("jobs:list")).context["page"]}


def test_a_user_sees_their_own_jobs_and_staff_see_the_jobs_over_their_subtree(
    client, people, root_user, jobs_of
):
    mine, bloc, system = jobs_of["mine"].pk, jobs_of["bloc"].pk, jobs_of["system"].pk
    assert _visible(client, people.secretary_a) == {mine}
    assert _visible(client, people.staff) == {mine, bloc}
    assert _visible(client, root_user) == {mine, bloc, system}
    for persona in ("secretary_b", "staff_b", "leader", "cell_secretary", "member_user", "nobody"):
        assert _visible(client, getattr(people, persona)) == set(), persona


def test_the_job_policy_answers_can_and_scope_alike(people, root_user, jobs_of):
    from dangbo.core.policies import CHANGE, VIEW, can, scope

    users = [root_user, *(getattr(people, name) for name in ("staff", "leader", "secretary_a", "secretary_b",
                                                           "staff_b", "cell_secretary", "member_user", "nobody"))]  # fmt: skip
    for user in users:
        for action in (VIEW, CHANGE):
            for job in Job.objects.select_related("scope_org"):
                assert can(user, action, job) == scope(user, action, Job.objects.filter(pk=job.pk)).exists(), (
                    user, action, job)  # fmt: skip


@pytest.mark.parametrize("persona", ["secretary_b", "staff_b", "nobody", "member_user"])
def test_another_organizations_user_gets_404_on_the_job_page_and_its_file(client, people, jobs_of, persona):
    job = jobs_of["mine"]
    client.force_login(getattr(people, persona))
    for name in ("jobs:detail", "jobs:status", "jobs:file"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name
    for name in ("jobs:cancel", "jobs:rerun"):
        assert client.post(reverse(name, args=[job.pk])).status_code == 404, name
    assert client.get(reverse("jobs:start", args=["sao_luu"])).status_code == 404
    assert client.post(reverse("jobs:start", args=["sao_luu"])).status_code == 404
    assert Job.objects.count() == 3 and Job.objects.get(pk=jobs_of["bloc"].pk).state == JobState.QUEUED


def test_the_owner_and_the_staff_above_download_the_file(client, people, jobs_of):
    for persona in ("secretary_a", "staff"):
        client.force_login(getattr(people, persona))
        response = client.get(reverse("jobs:file", args=[jobs_of["mine"].pk]))
        assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"


def test_the_menu_shows_background_jobs_to_administrators_and_to_users_with_jobs(
    client, people, root_user, jobs_of
):
    for user, shown in ((root_user, True), (people.secretary_a, True), (people.staff, True),
                        (people.secretary_b, False), (people.member_user, False)):  # fmt: skip
        client.force_login(user)
        assert ("Công việc nền</a>" in client.get("/").content.decode()) is shown, user


def test_an_administrator_starts_a_backup_from_the_jobs_page(client, db, root_user):
    client.force_login(root_user)
    page = client.get(reverse("jobs:list")).content.decode()
    assert (
        reverse("jobs:start", args=["sao_luu"]) in page and reverse("jobs:start", args=["chay_thu"]) in page
    )
    refused = client.post(reverse("jobs:start", args=["sao_luu"]), {"keep": "0"})
    assert "Giữ lại số bản mới nhất:" in refused.content.decode() and not Job.objects.exists()
    response = client.post(reverse("jobs:start", args=["sao_luu"]), {"keep": "5"})
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert (job.kind, job.params, job.started_by, job.scope_org) == ("sao_luu", {"keep": 5}, root_user, None)
    again = client.post(reverse("jobs:start", args=["sao_luu"]), {"keep": "5"})
    assert f"đang chờ hoặc đang chạy (#{job.pk})" in again.content.decode() and Job.objects.count() == 1


# --- The health check --------------------------------------------------------------------------------------------


def test_health_reports_a_live_worker_and_the_waiting_jobs(client, db, root_user):
    assert client.get("/suc-khoe/").json()["job_queue"] == "no_worker"
    services.start_job(actor=root_user, kind="chay_thu")
    _beat("im-lang", seconds_ago=60)
    body = client.get("/suc-khoe/").json()
    assert (body["status"], body["job_queue"], body["job_workers"], body["jobs_waiting"]) == (
        "ok",
        "no_worker",
        0,
        1,
    )
    _beat("song")
    body = client.get("/suc-khoe/").json()
    assert (body["job_queue"], body["job_workers"], body["jobs_waiting"]) == ("ok", 1, 1)


def test_the_worker_heartbeat_is_touched_while_it_lives_and_removed_when_it_stops(db, settings):
    settings.DANGBO_WORKER_HEARTBEAT_SECONDS = 0.05
    beat = worker.Heartbeat("tim-dap")
    beat.register()
    first = WorkerHeartbeat.objects.get().last_seen
    beat.beat()
    assert WorkerHeartbeat.objects.get().last_seen > first
    beat.stop()
    assert not WorkerHeartbeat.objects.exists()
