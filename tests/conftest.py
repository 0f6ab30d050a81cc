"""Shared fixtures: a small tree and personas at different nodes, all set up through services.

Đảng bộ tỉnh (province)
└── Đảng bộ Khối (bloc)                       staff, leader
    ├── Đảng bộ Sở Y tế (grassroots committee)   secretary_a
    │   ├── Chi bộ Văn phòng (cell A1)           cell_secretary, member_user (own record)
    │   └── Chi bộ Khoa Nội (cell A2)
    └── Chi bộ Sở Tư pháp (grassroots cell B)    secretary_b, staff_b  ← the sibling
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re

import pytest

from dangbo.accounts.choices import Role
from dangbo.accounts.models import RoleAssignment, User
from dangbo.core import dates
from dangbo.members import services as member_services
from dangbo.organizations import services as org_services
from dangbo.organizations.choices import OrgKind
from tests import testdb


def pytest_addoption(parser):
    parser.addoption(
        "--today", metavar="dd/mm/yyyy",
        help="run the suite with the application's clock (dangbo.core.dates) set to this day, e.g. 29/02/2028",
    )  # fmt: skip


def pytest_configure(config):
    day = config.getoption("--today")
    if day:
        dates.set_clock(dt.datetime.strptime(day, "%d/%m/%Y").date())
    # The suite's demo keeps its dues from January of last year (loaded five times a run; users' default: from
    # 01/2010, ``demo.dues.start``), here and in the ``dangbo`` subprocesses.
    from django.conf import settings as django_settings

    os.environ["DANGBO_DEMO_DUES_FROM"] = ""
    django_settings.DANGBO_DEMO_DUES_FROM = ""
    # PostgreSQL (this process, the live server's thread and the ``dangbo`` subprocesses of tests/sites.py): a
    # commit does not wait for the WAL to reach the disk — a test database need not survive a power cut. What a
    # commit makes visible to other connections is unchanged.
    options = os.environ.get("PGOPTIONS", "")
    if "synchronous_commit" not in options:
        os.environ["PGOPTIONS"] = f"{options} -c synchronous_commit=off".strip()
    # The settings already gave this process's connections an explicit ``options`` (jit=off), which libpq reads
    # instead of PGOPTIONS: add it there too.
    from django.conf import settings

    db_options = settings.DATABASES["default"].get("OPTIONS", {})
    if "options" in db_options and "synchronous_commit" not in db_options["options"]:
        db_options["options"] = f"{db_options['options']} -c synchronous_commit=off"


# --- Parallel runs (pytest-xdist) --------------------------------------------------------------------------------

# The slowest files, handed to the workers first (the others follow in collection order): a long one started last
# keeps one worker busy while the other has nothing left to do.
SLOW_FIRST = ("tests/demo/test_demo.py", "tests/test_hostile_input.py")
# Files split into one unit of work per parameter (the others run whole in one worker): the demo tests by the day of
# the clock (a demo load each), the hostile input by persona (about a minute each, no module fixture to share).
SPLIT_BY_PARAMETER = {
    "tests/demo/test_demo.py": re.compile(r"[\[-](today|\d{4}-\d{2}-\d{2})[\]-]"),
    "tests/test_hostile_input.py": re.compile(r"\[(\w+)\]$"),
}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # After pytest-django's order (database tests, transactional tests, the others): the slowest files first.
    rank = {path: n for n, path in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile``, refined: every file still runs whole in one worker (its module fixtures are built once),
    except those of ``SPLIT_BY_PARAMETER``, one unit per parameter (the demo: a load per day, spread over the
    workers); the units go out in collection order (the slowest files first, above), not by their number of tests."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SlowFilesApart(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            pattern = SPLIT_BY_PARAMETER.get(path)
            found = pattern.search(nodeid) if pattern else None
            return f"{path}@{found.group(1)}" if found else path

    config.option.loadscopereorder = False
    return SlowFilesApart(config, log)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """(xdist's controller) The directory where the first worker builds the template test database."""
    node.workerinput[testdb.KEY] = str(testdb.controller_dir(node.config))


def pytest_sessionfinish(session):
    if not hasattr(session.config, "workerinput"):  # the controller, once every worker has finished
        testdb.drop_template(session.config)


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_use_migrations,
                    django_db_keepdb, django_db_createdb, django_db_modify_db_settings):  # fmt: skip
    """pytest-django's test database, except under xdist: a copy of a template migrated once (tests/testdb.py)."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    shared = testdb.shared_dir(request.config)
    keepdb = django_db_keepdb and not django_db_createdb
    if shared is not None and django_db_use_migrations and not keepdb:
        with django_db_blocker.unblock():
            old_name = testdb.setup_from_template(shared)
            testdb.remember_migrated(connection)
        yield
        with django_db_blocker.unblock():
            testdb.end_other_sessions()
            connection.creation.destroy_test_db(old_name, verbosity=0)
        return
    if not django_db_use_migrations:
        _disable_migrations()
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    with django_db_blocker.unblock():
        db_cfg = setup_databases(verbosity=request.config.option.verbose, interactive=False, aliases=aliases,
                                 serialized_aliases=serialized_aliases, keepdb=keepdb)  # fmt: skip
        if "default" in aliases:
            testdb.remember_migrated(connection)
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=request.config.option.verbose)


class Clock:
    """The application's clock as a test sets it: ``clock.set(dt.date(2027, 1, 1))`` or a datetime."""

    def set(self, value):
        dates.set_clock(value)
        return dates.now()


@pytest.fixture
def clock():
    """Set "today" for one test; the clock goes back to what it was (the real one, or ``--today``) after it."""
    before = dates.fixed_clock()
    yield Clock()
    dates.set_clock(before)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests use the plain one.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Argon2 is deliberately slow; tests that check hashing use the real setting (test_accounts.py).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_citizen = itertools.count(100000)


REFERENCE_DATA = (  # the data migrations that write rows every install starts with
    ("dangbo.meetings.migrations.0002_grade_scale", "seed"),
    ("dangbo.steering.migrations.0002_document_types", "seed"),
    ("dangbo.steering.migrations.0003_communes", "load"),
)


def reload_reference_data() -> None:
    """Write again the rows the data migrations wrote (grade scale, document types, communes). Django empties every
    table after a transactional test, and the synthetic loader's tests flush the database: without this, the tests
    that run after them would find no grade scale and no commune."""
    from importlib import import_module

    from django.apps import apps

    for module, function in REFERENCE_DATA:
        getattr(import_module(module), function)(apps, None)


def _fixture_teardown(self):
    """``TransactionTestCase``'s end of a test, cheaper (``testdb.empty_written_tables``): only the tables the test
    wrote to are emptied. When it changed the migrations' rows, Django's flush empties every table and the reference
    rows are written again — the tests that run next in this process, in any order (pytest-xdist), expect them."""
    from django.db import connections

    for alias in self._databases_names(include_mirrors=False):
        connection = connections[alias]
        if not testdb.empty_written_tables(connection):
            _django_fixture_teardown(self)
            reload_reference_data()
            testdb.remember_migrated(connection)


from django.test import TransactionTestCase  # noqa: E402

_django_fixture_teardown = TransactionTestCase._fixture_teardown
TransactionTestCase._fixture_teardown = _fixture_teardown


@pytest.fixture
def root_user(db):
    return User.objects.create_superuser("root", password="x-Unused-Pw-1", full_name="Quản trị")


class Tree:
    pass


@pytest.fixture
def tree(root_user):
    t = Tree()

    def org(name, code, kind, parent):
        return org_services.organization_create(
            actor=root_user, parent=parent, data={"name": name, "code": code, "kind": kind}
        )

    t.province = org("Đảng bộ tỉnh Nghệ An", "NA", OrgKind.PROVINCE, None)
    t.bloc = org("Đảng bộ Khối các cơ quan tỉnh", "KCQ", OrgKind.DIRECT, t.province)
    t.a = org("Đảng bộ Sở Y tế", "SYT", OrgKind.GRASSROOTS_COMMITTEE, t.bloc)
    t.a1 = org("Chi bộ Văn phòng", "SYT-1", OrgKind.SUBORDINATE_CELL, t.a)
    t.a2 = org("Chi bộ Khoa Nội", "SYT-2", OrgKind.SUBORDINATE_CELL, t.a)
    t.b = org("Chi bộ Sở Tư pháp", "STP", OrgKind.GRASSROOTS_CELL, t.bloc)
    return t


def member_data(organization, full_name="Nguyễn Văn Hùng", **overrides):
    data = {
        "full_name": full_name,
        "gender": "nam",
        "birth_date": dt.date(1980, 5, 17),
        "ethnicity": "Kinh",
        "religion": "Không",
        "organization": organization,
        "status": "chinh_thuc",
        "joined_date": dt.date(2005, 3, 2),
        "official_date": dt.date(2006, 3, 2),
        "citizen_id": f"040080{next(_citizen):06d}",
        "general_education": "12/12",
        "political_theory": "trung_cap",
    }
    data.update(overrides)
    return data


# A body with the power to decide each kind of event (members/rules.py, the authority table): level, name.
UPPER = ("cap_tren_co_so", "Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh")
DECIDERS = {
    "ket_nap": UPPER, "chinh_thuc": UPPER, "xoa_ten": UPPER, "khai_tru": UPPER, "ra_khoi_dang": UPPER,
    "khoi_phuc": UPPER, "ket_nap_lai": ("tinh", "Ban Thường vụ Tỉnh ủy Nghệ An"), "ky_luat": ("chi_bo", "Chi bộ"),
    "chuyen_noi_bo": ("co_so", "Đảng ủy Sở Y tế"),
}  # fmt: skip


def decided(kind: str, day, number: str = "12-QĐ/ĐU", *, form: str = "") -> dict:
    """The decision of an event of ``kind`` by a body with the power to decide it ({} for events without one):
    keyword arguments of ``members.history.services.event_record``. A dismissal is decided above the grassroots."""
    if kind not in DECIDERS:
        return {}
    level, issuer = UPPER if form == "cach_chuc" else DECIDERS[kind]
    return {"decision_no": number, "decision_date": day, "decision_level": level, "decision_issuer": issuer}


# The level and name of a body with the power to admit, recognise, strike off and expel (service keywords).
BY_UPPER = {"decision_level": UPPER[0], "decision_issuer": UPPER[1]}


def admission_decision(number: str = "12-QĐ/ĐU") -> dict:
    """The ``admission`` argument of ``member_create``: a decision of a body with the power to admit."""
    return {"decision_no": number, "decision_level": UPPER[0], "decision_issuer": UPPER[1]}


def misjudged_events(events) -> list[tuple[int, str, dict]]:
    """The events whose decision the services would refuse (or accept only with a warning): (id, kind, errors).
    Bulk loaders write events without the services; this is how their tests hold them to the same rule."""
    from dangbo.members import rules as decisions

    bad = []
    for e in events.select_related("transfer").iterator():
        qualifier = e.discipline_form or (e.transfer.kind if e.transfer_id else "")
        verdict = decisions.judge(kind=e.kind, date=e.date, number=e.decision_no, decided_on=e.decision_date,
                                  level=e.decision_level, issuer=e.decision_issuer, qualifier=qualifier)  # fmt: skip
        if verdict.errors or verdict.warnings:
            bad.append((e.pk, e.kind, verdict.errors))
    return bad


@pytest.fixture
def make_member(root_user):
    def make(organization, full_name="Nguyễn Văn Hùng", since=dt.date(2015, 1, 1), **overrides):
        """A member on ``organization``'s roll since ``since`` (a "nhập hồ sơ" event)."""
        return member_services.member_create(
            actor=root_user, data=member_data(organization, full_name, **overrides), since=since
        )

    return make


def _user(username, role=None, org=None, member=None):
    user = User.objects.create_user(username, password="Mat-khau-9x", full_name=username, member=member)
    if role:
        RoleAssignment.objects.create(user=user, organization=org, role=role)
    return user


@pytest.fixture
def people(tree, make_member):
    """Members in each cell and one user per persona."""
    p = Tree()
    p.m_a1 = make_member(tree.a1, "Nguyễn Văn Hùng")
    p.m_a1b = make_member(tree.a1, "Trần Thị Lan", gender="nu")
    p.m_a2 = make_member(tree.a2, "Lê Văn An")
    p.m_b = make_member(tree.b, "Đặng Thị Hoa", gender="nu")
    p.staff = _user("staff", Role.STAFF, tree.bloc)
    p.leader = _user("leader", Role.LEADER, tree.bloc)
    p.secretary_a = _user("secretary_a", Role.GRASSROOTS_SECRETARY, tree.a)
    p.secretary_b = _user("secretary_b", Role.GRASSROOTS_SECRETARY, tree.b)
    p.staff_b = _user("staff_b", Role.STAFF, tree.b)
    p.cell_secretary = _user("cell_secretary", Role.CELL_SECRETARY, tree.a1)
    p.member_user = _user("member_user", Role.MEMBER, tree.a1, member=p.m_a1)
    p.nobody = _user("nobody")
    return p


# --- One object of every kind under organization A (the scope walk, the query budgets) ----------------------


@pytest.fixture
def seat(tree, people, root_user):
    term = org_services.term_create(
        actor=root_user, organization=tree.a, name="2020–2025", start_date=dt.date(2020, 8, 1)
    )
    return org_services.seat_create(actor=root_user, term=term, member=people.m_a1, position="bi_thu")


@pytest.fixture
def history_of_a(tree, people, root_user):
    """A transfer (temporary, to outside the deployment) and a candidate, both of A."""
    from dangbo.members.admission import services as admission
    from dangbo.members.history import services as lifecycle

    transfer = lifecycle.transfer_send(actor=root_user, member=people.m_a1b, kind="tam_thoi", to_external="Học viện",
                                       sent_date=dt.date(2024, 3, 1), temporary_until=dt.date(2024, 9, 1),
                                       letter_no="9-GGT/ĐU", purpose="cong_tac")  # fmt: skip
    candidate = admission.candidate_save(actor=root_user, data={
        "organization": tree.a1, "full_name": "Võ Thị Ứng Viên", "gender": "nu", "birth_date": dt.date(2000, 1, 2),
    })  # fmt: skip
    from django.utils import timezone

    from dangbo.meetings import services as meeting_services

    meeting = meeting_services.meeting_plan(actor=root_user, organization=tree.a1, data={
        "kind": "thuong_ky", "planned_at": timezone.make_aware(dt.datetime(2024, 3, 5, 14)), "place": "Phòng họp Sở Y tế A",
    })  # fmt: skip
    from dangbo.jobs.models import Job  # a finished job of A's secretary over A, with a result file

    job = Job.objects.create(kind="chay_thu", started_by=people.secretary_a, scope_org=tree.a, state="xong",
                             message="Đảng bộ Sở Y tế", result_file="1-x.xlsx", result_name="Đảng bộ Sở Y tế.xlsx")  # fmt: skip
    from dangbo.core import dates
    from dangbo.evaluation import services as evaluation_services

    # An evaluation campaign of A (2023, opened on a day after that year), its first rating (a member of A1).
    with dates.frozen(dt.date(2024, 1, 10)):
        campaign = evaluation_services.open_campaign(actor=root_user, authority=tree.a, year=2023,
                                                     deadline=dt.date(2024, 1, 20))  # fmt: skip
    from dangbo.api import services as api_services  # an API token of A's secretary (theirs alone to revoke)

    token, _ = api_services.token_create(actor=people.secretary_a, name="Cổng của Đảng bộ Sở Y tế",
                                         expires_on=dates.today() + dt.timedelta(days=30))  # fmt: skip
    return {"transfer_pk": transfer.pk, "candidate_pk": candidate.pk, "campaign": campaign, "org_pk": tree.a.pk,
            "token_pk": token.pk, "meeting_pk": meeting.pk,
            "rating_pk": campaign.ratings.filter(member__isnull=False).order_by("id").first().pk,
            "event_pk": people.m_a1.events.first().pk, "meeting": meeting, **_steering_of_a(tree, root_user),
            "job_pk": job.pk, "kind": "sao_luu"}  # fmt: skip


def _steering_of_a(tree, root_user):
    """Directing work held by A: a document of its register, a task to its cells, a term target, a programme."""
    from dangbo.organizations.models import Term
    from tests.factories import (
        ContributionFactory,
        DocumentFactory,
        ProgrammeFactory,
        TargetFactory,
        TaskFactory,
    )

    doc = DocumentFactory(register=tree.a, number=7, issuer_name="Đảng ủy Sở Y tế", issued_date=dt.date(2024, 2, 1),
                          summary="Nghị quyết của Đảng bộ Sở Y tế")  # fmt: skip
    task = TaskFactory(organization=tree.a, title="Quán triệt nghị quyết của Đảng bộ Sở Y tế", document=doc)
    term = Term.objects.get_or_create(
        organization=tree.a, name="2020–2025", defaults={"start_date": dt.date(2020, 8, 1)}
    )[0]
    target = TargetFactory(term=term, number=1, text="Kết nạp đảng viên mới của Đảng bộ Sở Y tế")
    programme = ProgrammeFactory(organization=tree.a, name="Chương trình của Đảng bộ Sở Y tế")
    ContributionFactory(programme=programme, supporter=tree.a1)
    from dangbo.reports.models import Review  # a draft review report of A

    review = Review.objects.create(organization=tree.a, kind="6_thang", year=2024, start=dt.date(2024, 1, 1),
                                   end=dt.date(2024, 6, 30), day=dt.date(2024, 7, 10))  # fmt: skip
    return {
        "review_pk": review.pk,
        "document_pk": doc.pk,
        "task_pk": task.pk,
        "assignment_pk": task.assignments.first().pk,
        "term_pk": term.pk,
        "target_pk": target.pk,
        "programme_pk": programme.pk,
    }
