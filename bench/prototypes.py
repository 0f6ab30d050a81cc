"""Candidate fixes, timed beside the current query shapes (``run.py --prototypes``).

Nothing here changes the application: raw SQL variants are timed on a raw cursor, and request-level variants
monkeypatch the app *inside this benchmark process only*. Indexes are created only with
``--prototype-indexes`` (PostgreSQL) and dropped again afterwards.
"""

from __future__ import annotations

import time
from collections import defaultdict

from django.db.models import Q

MEMBER_COLS = (
    "m.id, m.full_name, m.gender, m.birth_date, m.ethnicity, m.organization_id, m.status, m.joined_date, "
    "m.official_date, m.political_theory, m.name_sort, o.id, o.name, o.kind, o.parent_id, p.id, p.name, p.short_name"
)
FROM = (
    "members_member m JOIN organizations_organization o ON m.organization_id = o.id "
    "LEFT JOIN organizations_organization p ON o.parent_id = p.id"
)


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _upper(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def page_sql(where: str, order: str = "m.name_sort, m.id") -> str:
    return f"SELECT {MEMBER_COLS} FROM {FROM} WHERE {where} ORDER BY {order} LIMIT 51"


def run_prototypes(b, *, province, direct, mid) -> None:
    from dangbo.members.models import Member

    pg = b.vendor == "postgresql"
    lo, hi = province.path, province.path[:-1] + "/"
    scope = f"m.org_path >= {_lit(lo)} AND m.org_path < {_lit(hi)}"
    hint = f"+m.org_path >= {_lit(lo)} AND +m.org_path < {_lit(hi)}"  # SQLite: "+" keeps the index off org_path
    key = Member.objects.filter(pk=mid).values_list("name_sort", flat=True).get()
    K = _lit(key)
    after_or = f"(m.name_sort > {K} OR (m.name_sort = {K} AND m.id > {mid}))"
    after_bound = f"m.name_sort >= {K} AND {after_or}"
    filt = "m.status = 'chinh_thuc' AND m.gender = 'nu' AND m.political_theory = 'trung_cap'"

    def fts(words):
        if pg:
            q = " & ".join(f"{w}:*" for w in words)
            return f"m.id IN (SELECT id FROM members_member WHERE to_tsvector('simple', name_norm) @@ to_tsquery('simple', {_lit(q)}))"
        q = " AND ".join(f'"{w}"*' for w in words)
        return f"m.id IN (SELECT rowid FROM members_member_fts WHERE members_member_fts MATCH {_lit(q)})"

    def prefix(words):
        p = " ".join(words)
        return f"m.name_norm >= {_lit(p)} AND m.name_norm < {_lit(_upper(p))}"

    def count_sql(where, cap=None):
        if cap:
            return f"SELECT count(*) FROM (SELECT 1 FROM members_member m WHERE {where} LIMIT {cap}) t"
        return f"SELECT count(*) FROM members_member m WHERE {where}"

    P = b.prototype
    print("  -- keyset deep page (province scope, sau=middle)")
    P("deep page: current OR predicate", page_sql(f"{scope} AND {after_or}"))
    P("deep page: + redundant name_sort >= key", page_sql(f"{scope} AND {after_bound}"))
    if pg:
        P("deep page: row value (name_sort, id) > (key, id)", page_sql(f"{scope} AND (m.name_sort, m.id) > ({K}, {mid})"))
    P("filtered deep page: current", page_sql(f"{scope} AND {filt} AND {after_or}"))
    P("filtered deep page: + redundant bound", page_sql(f"{scope} AND {filt} AND {after_bound}"))
    if not pg:
        print("  -- SQLite: whole-province scope (root org = whole database)")
        P("page 1: current", page_sql(scope))
        P("page 1: +org_path hint", page_sql(hint))
        P("deep page: +hint + bound", page_sql(f"{hint} AND {after_bound}"))
        P("filtered page 1: current", page_sql(f"{scope} AND {filt}"))
        P("filtered page 1: +hint", page_sql(f"{hint} AND {filt}"))
    else:
        P("filtered page 1: current", page_sql(f"{scope} AND {filt}"))
    print("  -- counts (the list's total)")
    P("count scope: exact", count_sql(scope))
    P("count scope+filters: exact", count_sql(f"{scope} AND {filt}"))
    P("count scope+filters: capped at 1001", count_sql(f"{scope} AND {filt}", cap=1001))

    print("  -- name search, province scope (list query + count)")
    for words in (["nguyen", "van", "hung"], ["tran", "thi"], ["hung"]):
        label = " ".join(words)
        P(f"«{label}» FTS list (current)", page_sql(f"{scope} AND {fts(words)}"))
        P(f"«{label}» FTS count (current)", count_sql(f"{scope} AND {fts(words).replace('m.id IN', 'id IN')}"))
        P(f"«{label}» FTS count capped 1001", count_sql(f"{scope} AND {fts(words).replace('m.id IN', 'id IN')}", 1001))
        if len(words) > 1 or not pg:
            P(f"«{label}» B-tree prefix list", page_sql(f"{scope} AND {prefix(words)}"))
            P(f"«{label}» B-tree prefix count", count_sql(f"{scope} AND {prefix(words)}"))
            if pg:
                # Sort guard: ORDER BY an expression so the planner cannot walk member_name_sort and filter.
                P(f"«{label}» B-tree prefix list, sort guard", page_sql(f"{scope} AND {prefix(words)}",
                                                                         "m.name_sort || '', m.id"))  # fmt: skip
    if pg:
        P("«hung» FTS list, sort guard", page_sql(f"{scope} AND {fts(['hung'])}", "m.name_sort || '', m.id"))
        _pg_jit(b, scope, fts)
        if b.args.prototype_indexes:
            _pg_indexes(b, scope, prefix)

    _rollup(b, province)
    _requests(b, province)


def _pg_jit(b, scope, fts) -> None:
    print("  -- PostgreSQL JIT (server default jit=on)")
    tree = (
        f"SELECT m.org_path, count(m.id) FROM members_member m WHERE {scope} "
        "AND m.status IN ('du_bi', 'chinh_thuc') GROUP BY m.org_path"
    )
    cnt = f"SELECT count(*) FROM members_member m WHERE {scope} AND {fts(['nguyen', 'van', 'hung'])}"
    b.prototype("tree member counts, jit on", tree)
    b.prototype("FTS count «nguyen van hung», jit on", cnt)
    b.run_raw("SET jit = off")
    b.prototype("tree member counts, jit off", tree)
    b.prototype("FTS count «nguyen van hung», jit off", cnt)
    b.run_raw("SET work_mem = '64MB'")
    b.prototype("FTS count «nguyen van hung», jit off, work_mem 64MB", cnt)
    b.run_raw("RESET work_mem")
    b.run_raw("RESET jit")


def _pg_indexes(b, scope, prefix) -> None:
    print("  -- PostgreSQL: candidate indexes (created now, dropped afterwards)")
    defs = {
        "bench_name_norm_path": "CREATE INDEX bench_name_norm_path ON members_member (name_norm, org_path) INCLUDE (name_sort)",
        "bench_given_path": "CREATE INDEX bench_given_path ON members_member "
        "((split_part(name_norm, ' ', -1)), org_path) INCLUDE (name_sort)",
    }
    raw = b.connection.connection.cursor()
    raw.execute("SET maintenance_work_mem = '1GB'")
    for name, sql in defs.items():
        t = time.perf_counter()
        raw.execute(sql)
        print(f"  built {name} in {time.perf_counter() - t:.1f} s")
    raw.execute("ANALYZE members_member")
    raw.execute("SELECT pg_size_pretty(pg_relation_size('bench_name_norm_path')), pg_size_pretty(pg_relation_size('bench_given_path'))")
    print("  sizes:", raw.fetchone())
    try:
        guard = "m.name_sort || '', m.id"
        for words in (["nguyen", "van", "hung"], ["tran", "thi"], ["dang", "van"]):
            label = " ".join(words)
            b.prototype(f"«{label}» (name_norm, org_path) list, guard", page_sql(f"{scope} AND {prefix(words)}", guard))
            b.prototype(f"«{label}» (name_norm, org_path) count",
                        f"SELECT count(*) FROM members_member m WHERE {scope} AND {prefix(words)}")  # fmt: skip
        given = "split_part(m.name_norm, ' ', -1) >= 'hung' AND split_part(m.name_norm, ' ', -1) < 'hunh'"
        b.prototype("«hung» (given, org_path) list, guard", page_sql(f"{scope} AND {given}", guard))
        b.prototype("«hung» (given, org_path) count", f"SELECT count(*) FROM members_member m WHERE {scope} AND {given}")
    finally:
        for name in defs:
            raw.execute(f"DROP INDEX IF EXISTS {name}")
        raw.close()


def _rollup(b, province) -> None:
    """A per-organization count table (every ancestor), as PERFORMANCE.md recommends for the tree/dashboards."""
    from dangbo.organizations.models import Organization

    print("  -- member counts for the tree: live GROUP BY vs a rollup table")
    raw = b.connection.connection.cursor()
    t = time.perf_counter()
    raw.execute(
        "SELECT org_path, count(*) FROM members_member WHERE status IN ('du_bi', 'chinh_thuc') GROUP BY org_path"
    )
    totals: dict[int, int] = defaultdict(int)
    for path, n in raw.fetchall():
        for part in path.split(".")[:-1]:
            totals[int(part)] += n
    raw.execute("DROP TABLE IF EXISTS bench_rollup")
    raw.execute("CREATE TEMP TABLE bench_rollup (org_id bigint PRIMARY KEY, n integer NOT NULL)")
    ph = "%s" if b.vendor == "postgresql" else "?"
    raw.executemany(f"INSERT INTO bench_rollup VALUES ({ph}, {ph})", list(totals.items()))
    build = time.perf_counter() - t
    print(f"  rollup built for {len(totals):,} organizations in {build:.1f} s (whole database)")
    children = list(Organization.objects.filter(parent=province).values_list("id", flat=True))
    ids = ",".join(str(i) for i in children)
    lo, hi = province.path, province.path[:-1] + "/"
    ranges = " OR ".join(
        f"(org_path >= '{p}' AND org_path < '{p[:-1]}/')"
        for p in Organization.objects.filter(parent=province).values_list("path", flat=True)
    )
    b.prototype(
        "children of province: live GROUP BY (current)",
        f"SELECT org_path, count(id) FROM members_member WHERE ({ranges}) AND status IN ('du_bi', 'chinh_thuc') GROUP BY org_path",
    )
    b.prototype("children of province: rollup lookup", f"SELECT org_id, n FROM bench_rollup WHERE org_id IN ({ids})")
    b.prototype(
        "province total: live (current)",
        f"SELECT count(*) FROM members_member WHERE org_path >= '{lo}' AND org_path < '{hi}' AND status IN ('du_bi', 'chinh_thuc')",
    )
    b.prototype("province total: rollup lookup", f"SELECT n FROM bench_rollup WHERE org_id = {province.pk}")
    raw.execute("DROP TABLE bench_rollup")
    raw.close()


def _requests(b, province) -> None:
    """Request-level: the same pages with candidate app changes monkeypatched into this process."""
    import dangbo.members.filters as mf
    import dangbo.members.selectors as ms
    from dangbo.accounts import policy
    from dangbo.core.pagination import KeysetPage
    from dangbo.core.search import tokens
    from dangbo.organizations.models import Organization

    saved = {name: getattr(ms, name) for name in ("organizations_for_filter", "keyset_page", "member_list")}
    saved_search = mf.search_members

    def organizations_for_filter(actor, *, selected=None):
        accepted, offered = saved["organizations_for_filter"](actor, selected=selected)
        roots = Organization.objects.filter(pk__in=policy.root_organizations(actor)).values_list("depth", flat=True)
        q = Q(depth__lte=(min(roots) if roots else 0) + 1)
        if selected and str(selected).isdigit():
            q |= Q(pk=int(selected))
        return accepted, offered.filter(q)

    def keyset_page(queryset, *, sort_field, after, before, size):
        """core.pagination.keyset_page with a redundant ``sort_field >= key`` (``<=``) bound."""
        model = queryset.model

        def position(pk):
            try:
                return model._default_manager.filter(pk=int(pk)).values_list(sort_field, flat=True).first(), int(pk)
            except (TypeError, ValueError):
                return None, None

        if before:
            key, pk = position(before)
            if key is not None:
                qs = queryset.filter(Q(**{f"{sort_field}__lte": key}),
                                     Q(**{f"{sort_field}__lt": key}) | Q(**{sort_field: key, "id__lt": pk}))  # fmt: skip
                rows = list(qs.order_by(f"-{sort_field}", "-id")[: size + 1])
                has_more = len(rows) > size
                rows = list(reversed(rows[:size]))
                return KeysetPage(rows=rows, next_after=rows[-1].pk if rows else None,
                                  prev_before=rows[0].pk if rows and has_more else None, is_first=not has_more)  # fmt: skip
        qs, is_first = queryset, True
        if after:
            key, pk = position(after)
            if key is not None:
                qs = qs.filter(Q(**{f"{sort_field}__gte": key}),
                               Q(**{f"{sort_field}__gt": key}) | Q(**{sort_field: key, "id__gt": pk}))  # fmt: skip
                is_first = False
        rows = list(qs.order_by(sort_field, "id")[: size + 1])
        has_more = len(rows) > size
        rows = rows[:size]
        return KeysetPage(rows=rows, next_after=rows[-1].pk if rows and has_more else None,
                          prev_before=rows[0].pk if rows and not is_first else None, is_first=is_first)  # fmt: skip

    def member_list(*, actor, params, page_size=None):
        """selectors.member_list with the total capped at 1,000 (the template would say "hơn 1.000")."""
        from django.conf import settings

        flt = ms.member_filter(actor=actor, params=params)
        qs = flt.qs if flt.is_valid() else flt.queryset.none()
        page = ms.keyset_page(qs, sort_field="name_sort", after=params.get("sau"), before=params.get("truoc"),
                              size=page_size or settings.DANGBO_PAGE_SIZE)  # fmt: skip
        return flt, page, qs.order_by()[:1001].count()

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

    steps = [
        ("dropdown ≤ root+1", {"organizations_for_filter": organizations_for_filter}, None),
        ("+ keyset bound", {"keyset_page": keyset_page}, None),
        ("+ capped count", {"member_list": member_list}, None),
        ("+ B-tree prefix search", {}, search_members),
    ]
    pages = [
        ("list page 1", "/dang-vien/"),
        ("list deep page", None),
        ("list filtered page 1", "/dang-vien/?status=chinh_thuc&gender=nu&political_theory=trung_cap"),
        ("search «nguyen van hung»", "/dang-vien/?q=nguyen+van+hung"),
        ("search «tran thi»", "/dang-vien/?q=tran+thi"),
        ("search «hung»", "/dang-vien/?q=hung"),
    ]
    deep = next((r["url"] for r in b.results if r["operation"].startswith("list deep page")), None)
    print("  -- request level, fixes applied cumulatively (monkeypatched in this process only)")
    try:
        for label, patches, search in steps:
            for name, fn in patches.items():
                setattr(ms, name, fn)
            if search:
                mf.search_members = search
            for page_label, url in pages:
                url = url or deep
                if url:
                    r = b.measure(f"proto[{label}] {page_label}", url)
                    r["prototype_request"] = True
    finally:
        for name, fn in saved.items():
            setattr(ms, name, fn)
        mf.search_members = saved_search
