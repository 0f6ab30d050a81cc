#!/usr/bin/env python
"""Load on a running ``dangbo serve``: a realistic mix of users, at several levels of concurrency.

Each virtual user is a thread with its own HTTP connection that, as fast as answers come (no think time), runs
one scenario after another, chosen at random (seeded) with these weights:

* **recording, as a cell secretary** (``bench.cell01`` … ``bench.cell32``, one cell per virtual user, so no two
  users edit one record): the roll call of this month's meeting (open the form, save it with one member's
  presence changed), its minutes (open, save with a new «Ý kiến» text), the cell's dues sheet of the month (open,
  save with one member's amount changed), the cell's report on a task (open, save with a new text). Every save
  posts the form the page gave (its CSRF token, version token and every field), as a browser does;
* **reading, as staff** (``bench.staff``, the province) or as a grassroots secretary (``bench.grassroots``):
  the member list, a name search, a member's record, the organization tree, the dashboard and the statistics
  report.

Prints, per operation, the number of requests, p50/p95/max latency and errors; per level the requests/s; with
the machine's load average and the database settings. **Errors must be zero**: any 5xx, any other status than
the expected one (a save that is refused answers 200 with the form again), a broken connection, and — checked in
the database after each level — any *lost update* (a save answered "saved" whose value is not the one stored)
is printed loudly and makes the script exit with status 1.

The sessions are written into the server's database (no password is typed); the meetings, the task and its
assignments the secretaries record on are created once through the services (a second run reuses them).
Refuses a database that ``dangbo synth`` did not mark; needs the cell secretaries that ``dangbo synth`` writes
(a database loaded before them: ``dangbo synth province --users``). Bounded: at most ``--seconds`` (≤ 120) per
level.

  # terminal 1 (the server, with the same DATABASE_URL / DANGBO_DATA_DIR):
  .venv/bin/dangbo serve --no-worker --no-demo --port 8801
  # terminal 2:
  .venv/bin/python bench/load.py --port 8801 --users 1,8,32 --seconds 30
  # one page only, as before (the server's worker class and count were chosen with it):
  .venv/bin/python bench/load.py --port 8801 --users 1,4,16 --path /dang-vien/
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from common import pct, print_environment, require_synthetic  # bench/common.py (sets up the paths)

TASK_TITLE = "Báo cáo kiểm tra tải (benchmark)"
SEARCHES = [
    "nguyen van hung",
    "tran thi",
    "hung",
    "nguyen van hu",
    "le thi thu",
    "pham",
    "hoang van",
    "moong",
]
# (scenario, weight): recording 40 %, reading 60 %.
SCENARIOS = [
    ("roll call", 10), ("minutes", 10), ("dues sheet", 10), ("task report", 10),
    ("member list", 14), ("search", 14), ("member detail", 12), ("org tree", 6), ("dashboard", 8),
    ("statistics", 6),
]  # fmt: skip


# ---- the forms of a page, read as a browser reads them ----------------------------------------------------------


class FormReader(HTMLParser):
    """Every ``<form method="post">`` of a page: its action and the values a browser would send unchanged."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                          "fields": []}  # fmt: skip
            self.forms.append(self._form)
            return
        f = self._form
        if f is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            f["fields"].append([name, a.get("value", "on" if kind in ("radio", "checkbox") else "")])
        elif tag == "select" and name:
            self._select, self._select_first = name, None
            f["fields"].append([name, None])  # the selected option, or the first one
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                f["fields"][-1][1] = value
        elif tag == "textarea" and name:
            self._textarea = name
            f["fields"].append([name, ""])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select and self._form is not None:
            last = self._form["fields"][-1]
            if last[1] is None:
                last[1] = self._select_first or ""
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][-1][1] += data


def main_form(html: str, path: str) -> dict | None:
    """The page's own POST form (action empty or the page itself), the one with the most fields."""
    reader = FormReader()
    reader.feed(html)
    own = [f for f in reader.forms if f["method"] == "post" and urlsplit(f["action"]).path in ("", path)]
    return max(own, key=lambda f: len(f["fields"])) if own else None


# ---- one virtual user --------------------------------------------------------------------------------------------


@dataclass
class Identity:
    username: str
    cookies: dict[str, str]


@dataclass
class Record:
    """What a secretary records on: the cell, this month's meeting, the task assignment; and what was saved."""

    cell: int
    meeting: int
    assignment: int
    month: str  # mm/yyyy of the dues sheet
    saved: dict[str, object] = field(default_factory=dict)  # what the server answered "saved" for, last


class Result:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def add(self, op: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.times.setdefault(op, []).append(seconds)
            if error:
                self.errors.append(f"{op}: {error}")


class User:
    def __init__(self, host, port, index, secretary: Identity, reader: Identity, record: Record, members, result,
                 deadline, seed):  # fmt: skip
        self.host, self.port, self.index = host, port, index
        self.secretary, self.reader, self.record = secretary, reader, record
        self.members, self.result, self.deadline = members, result, deadline
        self.rng = random.Random(seed * 1000 + index)
        self.conn = self._connect()
        self.counter = 0

    def _connect(self):
        return http.client.HTTPConnection(self.host, self.port, timeout=120)

    def request(self, who: Identity, op: str, method: str, path: str, data=None, expect=200):
        """One request, timed under ``op``; returns the body (text) or None after an error (recorded)."""
        headers = {"Host": self.host, "Cookie": "; ".join(f"{k}={v}" for k, v in who.cookies.items())}
        body = None
        if data is not None:
            body = urlencode([(k, v if v is not None else "") for k, v in data]).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = who.cookies.get("csrftoken", "")
        t = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self.result.add(op, time.perf_counter() - t, f"{type(error).__name__} {method} {path}")
            self.conn.close()
            self.conn = self._connect()
            return None
        elapsed = time.perf_counter() - t
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                who.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = self._connect()
        if response.status != expect:
            said = ""
            if response.status == 200 and method == "POST":  # the form again: the save was refused — say why
                said = " — " + "; ".join(_errors_of(text))[:300]
            self.result.add(op, elapsed, f"{response.status} (expected {expect}) {method} {path}{said}")
            return None
        self.result.add(op, elapsed)
        return text

    def save(self, op: str, path: str, change) -> object | None:
        """Open the form (GET), change it with ``change(fields) -> value``, post it; the value when saved."""
        who = self.secretary
        page = self.request(who, f"{op}: open", "GET", path)
        if page is None:
            return None
        form = main_form(page, urlsplit(path).path)
        if form is None:
            self.result.add(f"{op}: save", 0.0, f"no form on {path}")
            return None
        fields = form["fields"]
        value = change(fields)
        target = form["action"] or path
        if self.request(who, f"{op}: save", "POST", target, data=fields, expect=302) is None:
            return None
        return value

    def marker(self) -> str:
        self.counter += 1
        return f"Kiểm tra tải: người dùng {self.index}, lần {self.counter}"

    # ---- the scenarios
    def roll_call(self):
        r = self.record

        def change(fields):
            presence = [f for f in fields if re.fullmatch(r"m\d+", f[0])]
            first = presence[0]
            first[1] = "di_muon" if first[1] == "co_mat" else "co_mat"
            return (int(first[0][1:]), first[1])

        saved = self.save("roll call", f"/sinh-hoat/{r.meeting}/diem-danh/", change)
        if saved is not None:
            r.saved["roll call"] = saved

    def minutes(self):
        r, text = self.record, self.marker()

        def change(fields):
            _set(fields, "opinions", text)
            return text

        if self.save("minutes", f"/sinh-hoat/{r.meeting}/bien-ban/", change) is not None:
            r.saved["minutes"] = text

    def dues_sheet(self):
        r = self.record
        amount = 1000 * self.rng.randint(10, 99)

        def change(fields):
            paid = next(f for f in fields if f[0].startswith("paid_") and not f[0].startswith("paid_on_"))
            pk = int(paid[0].removeprefix("paid_"))
            paid[1] = str(amount)
            _set(fields, f"paid_on_{pk}", f"{_today():%d/%m/%Y}")
            way = next(f for f in fields if f[0] == f"way_{pk}")
            way[1] = way[1] or "tien_mat"
            return (pk, amount)

        saved = self.save("dues sheet", f"/dang-phi/chi-bo/{r.cell}/?thang={r.month}", change)
        if saved is not None:
            r.saved["dues sheet"] = saved

    def task_report(self):
        r, text = self.record, self.marker()

        def change(fields):
            _set(fields, "content", text)
            return text

        if self.save("task report", f"/chi-dao/bao-cao/{r.assignment}/", change) is not None:
            r.saved["task report"] = text

    def read(self, scenario: str):
        who = self.reader
        if scenario == "member list":
            path = "/dang-vien/"
        elif scenario == "search":
            path = "/dang-vien/?" + urlencode({"q": self.rng.choice(SEARCHES)})
        elif scenario == "member detail":
            path = f"/dang-vien/{self.rng.choice(self.members[who.username])}/"
        elif scenario == "org tree":
            path = "/to-chuc/"
        elif scenario == "dashboard":
            path = "/bao-cao/tong-quan/"
        else:
            path = "/bao-cao/thong-ke/"
        self.request(who, scenario, "GET", path)

    def run(self, weights):
        names = [n for n, _ in weights]
        w = [x for _, x in weights]
        while time.perf_counter() < self.deadline:
            scenario = self.rng.choices(names, w)[0]
            try:
                if scenario == "roll call":
                    self.roll_call()
                elif scenario == "minutes":
                    self.minutes()
                elif scenario == "dues sheet":
                    self.dues_sheet()
                elif scenario == "task report":
                    self.task_report()
                else:
                    self.read(scenario)
            except Exception as error:  # a page that is not what the script expects is an error too, counted
                self.result.add(scenario, 0.0, f"{type(error).__name__}: {error}"[:300])
        self.conn.close()


def _set(fields: list, name: str, value: str) -> None:
    for f in fields:
        if f[0] == name:
            f[1] = value
            return
    fields.append([name, value])


def _errors_of(html: str) -> list[str]:
    found = re.findall(r'class="[^"]*(?:errorlist|error|alert-danger|loi)[^"]*"[^>]*>(.*?)</', html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", e)).strip() for e in found][:5] or [
        "(form shown again)"
    ]


def _today():
    from dangbo.core.dates import today

    return today()


# ---- setup and checks (in this process, through the services) --------------------------------------------------


def session(username: str) -> Identity:
    """A logged-in session of ``username`` in the server's database (the test client's force_login)."""
    from django.test import Client

    from dangbo.accounts.models import User as Login

    client = Client()
    client.force_login(Login.objects.get(username=username))
    return Identity(username, {"sessionid": client.cookies["sessionid"].value})


def records(count: int) -> list[tuple[str, Record]]:
    """(secretary's username, Record) for bench.cell01 … : this month's meeting of each cell (planned yesterday,
    or the month's regular meeting already there), and the assignment of the benchmark's task to it (one task of
    the province given to these cells, created once by ``bench.staff``)."""
    from django.utils import timezone

    from dangbo.accounts.models import RoleAssignment
    from dangbo.meetings import services as meetings
    from dangbo.meetings.choices import MeetingKind, MeetingState
    from dangbo.meetings.models import Meeting
    from dangbo.steering.choices import AssigneeMode, ReportKind
    from dangbo.steering.models import Assignment, Task
    from dangbo.steering.tasks import services as tasks

    roles = list(
        RoleAssignment.objects.filter(user__username__startswith="bench.cell")
        .select_related("user", "organization")
        .order_by("user__username")[:count]
    )
    if len(roles) < count:
        sys.exit(
            f"Cần {count} bí thư chi bộ (bench.cell01…) nhưng CSDL chỉ có {len(roles)}: chạy "
            "`dangbo synth province --users` (ghi các tài khoản benchmark vào CSDL tổng hợp đã nạp)."
        )
    staff = RoleAssignment.objects.select_related("user", "organization").get(user__username="bench.staff")
    day = _today() - dt.timedelta(days=1)
    task = Task.objects.filter(organization=staff.organization, title=TASK_TITLE).order_by("-id").first()
    cells = [r.organization for r in roles]
    if task is None or Assignment.objects.filter(task=task, organization__in=cells).count() < len(cells):
        task = tasks.task_create(
            actor=staff.user, organization=staff.organization, chosen=cells,
            data={"title": TASK_TITLE, "report_kind": ReportKind.WRITTEN, "mode": AssigneeMode.CHOSEN,
                  "assigned_date": day, "deadline": day + dt.timedelta(days=60),
                  "instructions": "Báo cáo của bench/load.py."},
        )  # fmt: skip
    out = []
    for role in roles:
        cell = role.organization
        meeting = (
            Meeting.objects.filter(organization=cell, kind=MeetingKind.REGULAR, month=day.replace(day=1))
            .exclude(state=MeetingState.CANCELLED)
            .first()
        )
        if meeting is None:
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))
            meeting = meetings.meeting_plan(actor=role.user, organization=cell, data={
                "kind": MeetingKind.REGULAR, "planned_at": at, "topic": "", "place": "Hội trường", "agenda": ""})  # fmt: skip
        assignment = Assignment.objects.get(task=task, organization=cell)
        out.append((role.user.username, Record(cell.pk, meeting.pk, assignment.pk, f"{day:%m/%Y}")))
    return out


def scope_members(username: str, n: int = 500) -> list[int]:
    """Ids of members the user may open, spread over the scope."""
    from dangbo.accounts.models import RoleAssignment
    from dangbo.core.policies import subtree_q
    from dangbo.members.models import Member

    org = RoleAssignment.objects.select_related("organization").get(user__username=username).organization
    ids = list(
        Member.objects.filter(subtree_q(org.path, "org_path")).order_by("id").values_list("id", flat=True)
    )
    step = max(1, len(ids) // n)
    return ids[::step][:n]


def lost_updates(recorded: list[Record]) -> tuple[list[str], int]:
    """Every save answered "saved" whose value is not the one in the database now; and how many were checked
    (the last save of each kind of each user)."""
    from django.db import connection

    from dangbo.dues.models import DuesPayment
    from dangbo.meetings.models import Attendance, Meeting
    from dangbo.steering.models import Assignment

    lost, checked = [], 0
    for r in recorded:
        s = r.saved
        checked += len(s)
        if "minutes" in s and Meeting.objects.get(pk=r.meeting).opinions != s["minutes"]:
            lost.append(f"minutes of meeting {r.meeting}: «{s['minutes']}» saved, not stored")
        if "task report" in s and Assignment.objects.get(pk=r.assignment).content != s["task report"]:
            lost.append(f"report {r.assignment}: «{s['task report']}» saved, not stored")
        if "roll call" in s:
            member, presence = s["roll call"]
            stored = Attendance.objects.filter(meeting_id=r.meeting, member_id=member).values_list(
                "presence", flat=True
            )
            if list(stored) != [presence]:
                lost.append(
                    f"roll call of meeting {r.meeting}: member {member} {presence} saved, {list(stored)} stored"
                )
        if "dues sheet" in s:
            member, amount = s["dues sheet"]
            month = dt.datetime.strptime("01/" + r.month, "%d/%m/%Y").date()
            stored = DuesPayment.objects.filter(member_id=member, month=month).values_list("paid", flat=True)
            if [int(x) for x in stored] != [amount]:
                lost.append(f"dues of member {member} {r.month}: {amount} saved, {list(stored)} stored")
    connection.close()
    return lost, checked


# ---- the levels --------------------------------------------------------------------------------------------------


def run_level(args, users: int, identities, members, weights) -> tuple[Result, float, float]:
    result = Result()
    deadline = time.perf_counter() + args.seconds
    workers = []
    for i in range(users):
        name, record, secretary = identities["secretaries"][i]
        reader = identities["staff"] if i % 4 != 3 else identities["grassroots"]  # 3 staff : 1 grassroots
        workers.append(
            User(args.host, args.port, i, secretary, reader, record, members, result, deadline, args.seed)
        )
    threads = [threading.Thread(target=w.run, args=(weights,)) for w in workers]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return result, time.perf_counter() - began, os.getloadavg()[0]


def report(result: Result, elapsed: float, users: int, load1: float) -> int:
    n = sum(len(v) for v in result.times.values())
    print(f"\n{users} concurrent user(s): {n} requests in {elapsed:.1f} s = {n / elapsed:.1f} requests/s, "
          f"{len(result.errors)} errors, load average (1 min) {load1:.2f}")  # fmt: skip
    print(f"  {'operation':<22} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    order = [f"{s}: {x}" for s, _ in SCENARIOS[:4] for x in ("open", "save")] + [s for s, _ in SCENARIOS[4:]]
    for op in sorted(result.times, key=lambda o: order.index(o) if o in order else 99):
        t = result.times[op]
        print(f"  {op:<22} {len(t):>8} {len(t) / elapsed:>7.1f} {pct(t, 0.5) * 1000:>8.1f} "
              f"{pct(t, 0.95) * 1000:>8.1f} {max(t) * 1000:>8.1f}")  # fmt: skip
    return n


def loudly(title: str, lines: list[str]) -> None:
    bar = "!" * 100
    print(f"\n{bar}\n!!! {title}\n{bar}")
    for line in lines[:20]:
        print(f"!!!   {line}")
    if len(lines) > 20:
        print(f"!!!   … and {len(lines) - 20} more")
    print(bar, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--users", "--clients", default="1,8,32",
                        help="levels of concurrency (virtual users), comma-separated (default 1,8,32; at most 32)")  # fmt: skip
    parser.add_argument(
        "--seconds", type=float, default=30, help="duration of each level (default 30, max 120)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the users' choices (default 1)")
    parser.add_argument("--read-only", action="store_true", help="only the reading scenarios")
    parser.add_argument("--path", action="append",
                        help="instead of the mix: page(s) to ask in turn as --user, as fast as answers come")  # fmt: skip
    parser.add_argument("--user", default="bench.staff", help="with --path: bench.staff or bench.grassroots")
    parser.add_argument("--label", default="", help="what is being measured (printed), e.g. '2 sync workers'")
    args = parser.parse_args()
    args.seconds = min(max(args.seconds, 1.0), 120.0)
    levels = [int(c) for c in args.users.split(",") if c.strip()]
    if not levels or max(levels) > 32 or min(levels) < 1:
        sys.exit("--users: từ 1 đến 32 người dùng mỗi mức.")

    import django

    django.setup()
    mark = require_synthetic()
    from django.db import connection

    print_environment(mark)
    weights = [(n, w) for n, w in SCENARIOS if not args.read_only or n not in ("roll call", "minutes", "dues sheet",
                                                                              "task report")]  # fmt: skip
    if args.path:  # one page (or a few) as one user: the throughput of a page
        weights = [("page", 1)]
    secretaries = [] if args.path else records(max(levels))
    identities = {
        "staff": session(args.user if args.path else "bench.staff"),
        "grassroots": session("bench.grassroots"),
        "secretaries": [(name, record, session(name)) for name, record in secretaries],
    }
    members = {name: scope_members(name) for name in ("bench.staff", "bench.grassroots")}
    connection.close()  # from now on this process asks over HTTP (and checks the database after each level)
    if args.path:
        _single_pages(args, levels, identities["staff"])
        print_environment(mark)
        return
    print(f"server http://{args.host}:{args.port} {args.label}; mix: "
          + ", ".join(f"{n} {w}" for n, w in weights) + "; recording as bench.cell01…, reading as bench.staff (3 of "
          "4 users) and bench.grassroots (1 of 4)", flush=True)  # fmt: skip
    warm, _, _ = run_level(
        argparse.Namespace(**{**vars(args), "seconds": 3.0}), 2, identities, members, weights
    )
    failed = bool(warm.errors)
    if warm.errors:
        loudly(f"WARM-UP: {len(warm.errors)} ERRORS", warm.errors)
    for users in levels:
        result, elapsed, load1 = run_level(args, users, identities, members, weights)
        report(result, elapsed, users, load1)
        lost, checked = lost_updates([r for _, r, _ in identities["secretaries"][:users]])
        print(f"  lost updates: {len(lost)} (the last save of each kind of each user read back: {checked})")
        if result.errors:
            failed = True
            server = [e for e in result.errors if re.search(r": 5\d\d ", e)]
            loudly(
                f"{len(result.errors)} ERRORS at {users} users ({len(server)} server errors 5xx)",
                result.errors,
            )
        if lost:
            failed = True
            loudly(f"{len(lost)} LOST UPDATES at {users} users", lost)
        for _, r, _ in identities["secretaries"]:
            r.saved.clear()
    print()
    print_environment(mark)
    if failed:
        loudly("FAILED: errors or lost updates above — the figures do not count", [])
        sys.exit(1)
    print("no errors, no lost updates")


def _single_pages(args, levels, who: Identity) -> None:
    paths = args.path
    print(f"server http://{args.host}:{args.port} {args.label}; user {args.user}; pages {', '.join(paths)}")
    print(
        f"{'clients':>7} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'load1':>6}"
    )
    for level in levels:
        result = Result()
        deadline = time.perf_counter() + args.seconds

        def client(index: int, result: Result = result, deadline: float = deadline) -> None:
            u = User(args.host, args.port, index, who, who, None, {}, result, deadline, args.seed)
            i = index
            while time.perf_counter() < u.deadline:
                u.request(who, "page", "GET", paths[i % len(paths)])
                i += 1
            u.conn.close()

        threads = [threading.Thread(target=client, args=(n,)) for n in range(level)]
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
        t = result.times.get("page", [0.0])
        print(f"{level:>7} {len(t):>9} {len(t) / elapsed:>8.1f} {pct(t, 0.5) * 1000:>8.1f} {pct(t, 0.95) * 1000:>8.1f} "
              f"{pct(t, 0.99) * 1000:>8.1f} {len(result.errors):>7} {os.getloadavg()[0]:>6.2f}", flush=True)  # fmt: skip
        if result.errors:
            loudly(f"{len(result.errors)} ERRORS at {level} clients", result.errors)


if __name__ == "__main__":
    main()
