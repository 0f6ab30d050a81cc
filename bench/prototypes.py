"""Candidate fixes, timed beside the current query shapes (``run.py --prototypes``).

Nothing here changes the application: raw SQL variants run on a raw cursor with bound parameters (like
Django does — SQLite plans some statements differently with literals), and request-level variants monkeypatch
the app *inside this benchmark process only*. Indexes are built only with ``--prototype-indexes``
(PostgreSQL) and dropped again afterwards.
"""

from __future__ import annotations

import time

COLS = (
    "m.id, m.full_name, m.gender, m.birth_date, m.ethnicity, m.organization_id, m.status, m.joined_date, "
    "m.official_date, m.political_theory, m.name_sort, o.id, o.name, o.kind, o.parent_id, p.id, p.name, p.short_name"
)
FROM = (
    "members_member m JOIN organizations_organization o ON m.organization_id = o.id "
    "LEFT JOIN organizations_organization p ON o.parent_id = p.id"
)


def _upper(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def page(where: str, order: str = "m.name_sort, m.id") -> str:
    return f"SELECT {COLS} FROM {FROM} WHERE {where} ORDER BY {order} LIMIT 51"


def count(where: str, cap: int | None = 10_001) -> str:
    if cap:
        return f"SELECT count(*) FROM (SELECT m.id FROM members_member m WHERE {where} LIMIT {cap}) t"
    return f"SELECT count(*) FROM members_member m WHERE {where}"


def run_prototypes(b, *, province, direct, mid) -> None:
    from dangbo.members.models import Member

    pg = b.vendor == "postgresql"
    lo, hi = province.path, province.path[:-1] + "/"
    key = Member.objects.filter(pk=mid).values_list("name_sort", flat=True).get()
    noidx = "(m.org_path || '')" if pg else "+m.org_path"  # what core.db.NoIndex renders
    scope, scope_p = "m.org_path >= %s AND m.org_path < %s", [lo, hi]
    large, large_p = f"{noidx} >= %s AND {noidx} < %s", [lo, hi]
    after_or = "(m.name_sort > %s OR (m.id > %s AND m.name_sort = %s))"
    after_or_p = [key, mid, key]
    after_bound = f"m.name_sort >= %s AND {after_or}"
    after_bound_p = [key, *after_or_p]
    filt = "m.status = %s AND m.gender = %s AND m.political_theory = %s"
    filt_p = ["chinh_thuc", "nu", "trung_cap"]
    P = b.prototype

    print("  -- filtered list of a large scope: org_path index + sort vs NoIndex shape (name index walk)")
    P("filtered page 1: org_path index + sort", page(f"{scope} AND {filt}"), scope_p + filt_p)
    P("filtered page 1: NoIndex shape (large=True)", page(f"{large} AND {filt}"), large_p + filt_p)
    P("filtered deep page: org_path index + sort", page(f"{scope} AND {filt} AND {after_bound}"),
      scope_p + filt_p + after_bound_p)  # fmt: skip
    P("filtered deep page: NoIndex shape", page(f"{large} AND {filt} AND {after_bound}"),
      large_p + filt_p + after_bound_p)  # fmt: skip

    print("  -- organization filter inside the scope: two org_path ranges vs one")
    dlo, dhi = direct.path, direct.path[:-1] + "/"
    two, two_p = f"{scope} AND m.org_path >= %s AND m.org_path < %s", scope_p + [dlo, dhi]
    one, one_p = "m.org_path >= %s AND m.org_path < %s", [dlo, dhi]
    P("subtree count capped: scope AND subtree", count(two), two_p)
    P("subtree count capped: subtree range only", count(one), one_p)
    P("subtree page 1: scope AND subtree", page(two), two_p)
    P("subtree page 1: subtree range only", page(one), one_p)

    def fts(words):
        if pg:
            return ("m.id IN (SELECT id FROM members_member WHERE to_tsvector('simple', name_norm) @@ "
                    "to_tsquery('simple', %s))", [" & ".join(f"{w}:*" for w in words)])  # fmt: skip
        return ("m.id IN (SELECT rowid FROM members_member_fts WHERE members_member_fts MATCH %s)",
                [" AND ".join(f'"{w}"*' for w in words)])  # fmt: skip

    def prefix(words):
        p = " ".join(words)
        return "m.name_norm >= %s AND m.name_norm < %s", [p, _upper(p)]

    print("  -- name search, province scope: list page query and capped count")
    for words in (["nguyen", "van", "hung"], ["tran", "thi"], ["hung"]):
        label = " ".join(words)
        w, wp = fts(words)
        P(f"«{label}» FTS list (id IN subquery)", page(f"{scope} AND {w}"), scope_p + wp)
        P(f"«{label}» FTS count capped", count(f"{scope} AND {w}"), scope_p + wp)
        w, wp = prefix(words)
        P(f"«{label}» B-tree prefix list", page(f"{scope} AND {w}"), scope_p + wp)
        if pg:  # ORDER BY an expression: the planner cannot walk member_name_sort filtering row by row
            P(f"«{label}» B-tree prefix list, sort guard", page(f"{scope} AND {w}", "m.name_sort || '', m.id"),
              scope_p + wp)  # fmt: skip
        P(f"«{label}» B-tree prefix count capped", count(f"{scope} AND {w}"), scope_p + wp)
    if pg:
        w, wp = fts(["hung"])
        P("«hung» FTS list, sort guard", page(f"{scope} AND {w}", "m.name_sort || '', m.id"), scope_p + wp)
        _pg_jit(b, scope, scope_p, fts)
        if b.args.prototype_indexes:
            _pg_indexes(b, scope, scope_p, prefix)
    _requests(b)


def _pg_jit(b, scope, scope_p, fts) -> None:
    print("  -- PostgreSQL JIT (server default jit=on)")
    w, wp = fts(["nguyen", "van", "hung"])
    sql = page(f"{scope} AND {w}")
    b.prototype("FTS list «nguyen van hung», jit on", sql, scope_p + wp)
    b.run_raw("SET jit = off")
    b.prototype("FTS list «nguyen van hung», jit off", sql, scope_p + wp)
    b.run_raw("SET work_mem = '64MB'")
    b.prototype("FTS list «nguyen van hung», jit off, work_mem 64MB", sql, scope_p + wp)
    b.run_raw("RESET work_mem")
    b.run_raw("RESET jit")


def _pg_indexes(b, scope, scope_p, prefix) -> None:
    print("  -- PostgreSQL: candidate indexes (built now, dropped afterwards)")
    defs = {
        "bench_name_norm_path": "CREATE INDEX bench_name_norm_path ON members_member (name_norm, org_path) "
        "INCLUDE (name_sort)",
        "bench_given_path": "CREATE INDEX bench_given_path ON members_member "
        "((split_part(name_norm, ' ', -1)), org_path) INCLUDE (name_sort)",
    }
    raw = b.connection.connection.cursor()
    raw.execute("SET maintenance_work_mem = '1GB'")
    try:
        for name, sql in defs.items():
            t = time.perf_counter()
            raw.execute(sql)
            raw.execute(f"SELECT pg_size_pretty(pg_relation_size('{name}'))")
            print(f"  built {name} in {time.perf_counter() - t:.1f} s, {raw.fetchone()[0]}")
        raw.execute("ANALYZE members_member")
        guard = "m.name_sort || '', m.id"
        for words in (["nguyen", "van", "hung"], ["tran", "thi"], ["dang", "van"]):
            label = " ".join(words)
            w, wp = prefix(words)
            b.prototype(f"«{label}» (name_norm, org_path) list", page(f"{scope} AND {w}"), scope_p + wp)
            b.prototype(
                f"«{label}» (name_norm, org_path) list, guard", page(f"{scope} AND {w}", guard), scope_p + wp
            )
            b.prototype(
                f"«{label}» (name_norm, org_path) count capped", count(f"{scope} AND {w}"), scope_p + wp
            )
        given = "split_part(m.name_norm, ' ', -1) >= %s AND split_part(m.name_norm, ' ', -1) < %s"
        b.prototype("«hung» (given, org_path) list, guard", page(f"{scope} AND {given}", guard),
                    scope_p + ["hung", "hunh"])  # fmt: skip
        b.prototype(
            "«hung» (given, org_path) count capped", count(f"{scope} AND {given}"), scope_p + ["hung", "hunh"]
        )
    finally:
        for name in defs:
            raw.execute(f"DROP INDEX IF EXISTS {name}")
        raw.close()


def _requests(b) -> None:
    """Request level: candidate app changes monkeypatched into this process, applied cumulatively."""
    import dangbo.members.filters as mf
    from dangbo.core.search import tokens

    saved_search = mf.search_members

    def search_members(queryset, query):
        """Family-first prefix ("nguyen van hu") through the name_norm B-tree; other shapes through FTS."""
        words = tokens(query)
        if not words:
            return queryset
        p = " ".join(words)
        by_prefix = queryset.filter(name_norm__gte=p, name_norm__lt=_upper(p))
        if by_prefix.exists():
            return by_prefix
        return saved_search(queryset, query)

    pages = [
        ("search «nguyen van hung»", "/dang-vien/?q=nguyen+van+hung"),
        ("search «tran thi»", "/dang-vien/?q=tran+thi"),
        ("search «nguyen van hu»", "/dang-vien/?q=nguyen+van+hu"),
        ("search «hung»", "/dang-vien/?q=hung"),
    ]
    steps = [("B-tree prefix search", lambda: setattr(mf, "search_members", search_members), [0, 1, 2, 3])]
    if b.vendor == "postgresql":
        steps.append(("+ jit off", lambda: b.run_raw("SET jit = off"), [0, 1, 2, 3]))
    print("  -- request level, fixes applied cumulatively (monkeypatched in this process only)")
    try:
        for label, apply, which in steps:
            apply()
            for i in which:
                page_label, url = pages[i]
                if url:
                    b.measure(f"proto[{label}] {page_label}", url)
    finally:
        mf.search_members = saved_search
        if b.vendor == "postgresql":
            b.run_raw("RESET jit")
