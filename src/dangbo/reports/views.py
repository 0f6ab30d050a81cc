"""Figures "as of" a date and the movement table of a period, for any organization in the actor's scope."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from dangbo.core import memo, policies
from dangbo.core.dates import add_months, today
from dangbo.core.formats import phantram, so
from dangbo.core.http import file_response
from dangbo.core.views import form_page
from dangbo.members.counts import selectors as asof
from dangbo.organizations.models import Organization
from dangbo.organizations.policies import top_organizations

from . import documents, selectors, services
from .choices import ReviewState
from .forms import DraftForm, IssueForm, ReportForm, ReviewForm, default_period
from .models import Review
from .rollups import selectors as rollups


def _form(request, form_class=ReportForm, data=None, **initial):
    if data is None and "organization" in request.GET:
        data = request.GET
    roots = top_organizations(request.user)
    initial = {"organization": roots[0] if roots else None, **initial}
    return form_class(data, actor=request.user, initial=initial)


def _organization_or_404(request, data) -> None:
    """An organization asked for by id that the actor may not see is answered as missing (404), like any object."""
    value = (data or {}).get("organization")
    if value not in (None, ""):
        policies.get_scoped_or_404(request.user, policies.VIEW, Organization.objects.all(), pk=value)


@login_required
def index(request):
    """Headcount and composition of a subtree on a date; ``?xlsx=1`` gives it as a spreadsheet."""
    form = _form(request)
    result = None
    if form.is_bound and form.is_valid():
        org, on = form.cleaned_data["organization"], form.cleaned_data["on"] or today()
        result = {"org": org, "on": on, "path": asof.path_on(org, on), "headcount": rollups.headcount_on(org, on),
                  "composition": rollups.composition_on(org, on)}  # fmt: skip
        if request.GET.get("xlsx"):
            content = documents.headcount_xlsx(org, on, result["headcount"], result["composition"])
            return file_response(content, f"so-luong-dang-vien-{org.pk}-{on:%Y%m%d}.xlsx")
        if request.GET.get("docx"):
            content = documents.headcount_docx(
                org, on, result["headcount"], result["composition"], day=today()
            )
            return file_response(content, f"so-luong-dang-vien-{org.pk}-{on:%Y%m%d}.docx")
        keys = selectors.composition_keys(on)
        result["rows"] = [(dim, [(label, n, _names_url(org, on, keys[(dim, label)]) if (dim, label) in keys else None)
                                 for label, n in groups]) for dim, groups in result["composition"].rows]  # fmt: skip
        result["links"] = {k: _names_url(org, on, k) for k in ("tong", "chinh_thuc", "du_bi", "mien")}
    return render(request, "reports/index.html", {"form": form, "result": result})


@login_required
def movement(request):
    """The movement table ("biến động đảng viên") of a subtree over a period; ``?xlsx=1``: as a spreadsheet."""
    form = _form(request)
    result = None
    if form.is_bound and form.is_valid():
        org = form.cleaned_data["organization"]
        start, end = default_period(today())
        start, end = form.cleaned_data["start"] or start, form.cleaned_data["end"] or end
        result = rollups.movement_on(org, start, end)
        if request.GET.get("xlsx"):
            return file_response(
                documents.movement_xlsx(result),
                f"bien-dong-dang-vien-{org.pk}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
            )
        if request.GET.get("docx"):
            return file_response(documents.movement_docx(result, day=today()),
                                 f"bien-dong-dang-vien-{org.pk}-{start:%Y%m%d}-{end:%Y%m%d}.docx")  # fmt: skip
        result.increase_rows = [
            (label, n, _movement_url(org, start, end, f"tang:{k}")) for k, label, n in result.increases
        ]
        result.decrease_rows = [
            (label, n, _movement_url(org, start, end, f"giam:{k}")) for k, label, n in result.decreases
        ]
    elif not form.is_bound:
        form.initial.update(dict(zip(("start", "end"), default_period(today()), strict=True)))
    return render(request, "reports/movement.html", {"form": form, "result": result})


@login_required
@require_http_methods(["GET", "POST"])
def review(request):
    """A review report (sơ kết 6 tháng, năm, giữa nhiệm kỳ): its figures and sentences on the page (GET), the DOCX
    in the party format (POST, with the next period's tasks typed by staff)."""
    data = (
        request.POST if request.method == "POST" else (request.GET if "organization" in request.GET else None)
    )
    _organization_or_404(request, data)
    now = today()
    form = _form(request, ReviewForm, data, kind="6_thang", year=now.year if now.month > 6 else now.year - 1)
    readable = lambda: form.is_bound and form.is_valid() and form.period is not None  # noqa: E731

    def built():
        org, period = form.cleaned_data["organization"], form.period
        sections = selectors.build(request.user, org, period.start, period.end)
        return org, period, documents.review_context(org, period, sections, next_tasks=form.cleaned_data["next_tasks"],
                                                     day=form.cleaned_data["day"])  # fmt: skip

    save = None
    if request.method == "POST" and request.POST.get("action") == "save":
        save = lambda d: services.review_save(  # noqa: E731
            actor=request.user, organization=d["organization"], kind=form.period.kind, year=form.period.year,
            start=d["start"], end=d["end"], day=d["day"] or today(), next_tasks=d["next_tasks"])  # fmt: skip
    elif request.method == "POST" and readable():
        org, period, context = built()
        return file_response(documents.review_docx(context), documents.review_filename(org, period))

    def context():
        result = None
        if readable():
            org, period, context = built()
            result = {"org": org, "period": period, "context": context}
        saved = policies.scope(request.user, policies.VIEW, Review.objects.all()).select_related(
            "organization", "document"
        )
        return {"result": result, "saved": saved[:20]}

    return form_page(request, form, save, ok=readable, template="reports/review.html", context=context,
                     redirect_to=lambda review: reverse("reports:review_detail", args=[review.pk]))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request, review_pk: int):
    """A saved review report: download it (the frozen text once issued), its appendices; issue a draft into the
    register; an issued one beside its figures regenerated today."""
    review = policies.get_scoped_or_404(request.user, policies.VIEW, Review.objects.select_related("organization",
                                                                                                   "document"), pk=review_pk)  # fmt: skip
    issued = review.state == ReviewState.ISSUED
    name = f"bao-cao-{review.kind}-{review.start:%Y%m%d}-{review.end:%Y%m%d}-{review.organization_id}"
    if request.method != "POST" and (request.GET.get("docx") or request.GET.get("xlsx")):
        if request.GET.get("docx") and issued:  # the text as issued
            return file_response(documents.review_docx(review.context), f"{name}.docx")
        sections, context = services.current(request.user, review)
        if request.GET.get("docx"):
            return file_response(documents.review_docx(context), f"{name}.docx")
        content = documents.appendices_xlsx(review.organization, review.start, review.end, sections)
        return file_response(content, f"phu-luc-{name}.xlsx")
    posted = request.POST.get("action") if request.method == "POST" else None
    draft_form = DraftForm(request.POST if posted == "save" else None,
                           initial={"next_tasks": review.next_tasks, "day": review.day})  # fmt: skip
    issue_form = IssueForm(request.POST if posted == "issue" else None)
    form, save, success = None, None, None
    if posted == "save":  # revise the draft's text and date
        form, success = draft_form, "Đã lưu dự thảo báo cáo."
        save = lambda d: services.review_save(  # noqa: E731
            actor=request.user, organization=review.organization, kind=review.kind, year=review.year,
            start=review.start, end=review.end, day=d["day"], next_tasks=d["next_tasks"], review=review)  # fmt: skip
    elif posted == "issue":
        form, success = issue_form, "Đã ban hành báo cáo."
        save = lambda d: services.review_issue(actor=request.user, review=review, signer=d["signer"])  # noqa: E731

    def context():
        # a draft's page computes nothing; an issued one beside its figures regenerated today
        changes = services.differences(review, services.current(request.user, review)[0]) if issued else []
        return {"review": review, "changes": changes, "draft_form": draft_form, "issue_form": issue_form}

    return form_page(request, form, save, template="reports/review_detail.html", context=context, success=success,
                     redirect_to=reverse("reports:review_detail", args=[review.pk]))  # fmt: skip


@login_required
def statistics(request):
    """The member statistics form of a subtree on a date; ``?xlsx=1`` gives it as a spreadsheet."""
    _organization_or_404(request, request.GET)
    form = _form(request)
    result = None
    if form.is_bound and form.is_valid():
        org, on = form.cleaned_data["organization"], form.cleaned_data["on"] or today()
        result = selectors.member_statistics(request.user, org, on)
        if request.GET.get("xlsx"):
            content = documents.statistics_xlsx(org, on, result.rows, result.figures["tong"])
            return file_response(content, f"thong-ke-dang-vien-{org.pk}-{on:%Y%m%d}.xlsx")
        result.organization = org
    return render(request, "reports/statistics.html", {"form": form, "result": result})


def last_month_end(now) -> object:
    """The last day of the previous month: the newest day the rollups describe (figures of a month's end)."""
    return now.replace(day=1) - dt.timedelta(days=1)


def _names_url(org, on, key) -> str:
    return f"{reverse('reports:names')}?{urlencode({'organization': org.pk, 'on': on.strftime('%d/%m/%Y'), 'nhom': key})}"


def _movement_url(org, start, end, key) -> str:
    query = {
        "organization": org.pk,
        "start": start.strftime("%d/%m/%Y"),
        "end": end.strftime("%d/%m/%Y"),
        "nhom": key,
    }
    return f"{reverse('reports:names')}?{urlencode(query)}"


@login_required
def dashboard(request):
    """«Tổng quan»: the headcount, composition and movement of the user's scope at a month's end (the figures of the
    report, from the rollups), with server-drawn charts; every figure opens the names behind it. The page writes
    nothing: its sections' common reads (the rollups' state, paths, the tree's version) are made once."""
    with memo.reading():
        return _dashboard_page(request)


def _dashboard_page(request):
    _organization_or_404(request, request.GET)
    data = request.GET.copy()
    data.setdefault("on", last_month_end(today()).strftime("%d/%m/%Y"))
    if "organization" not in data:  # the first visit: the user's own top organization
        first = (
            Organization.objects.filter(pk__in=top_organizations(request.user))
            .order_by("depth", "pk")
            .first()
        )
        data["organization"] = str(first.pk) if first else ""
    form = _form(request, data=data)
    result = None
    if form.is_valid():
        org, on = form.cleaned_data["organization"], form.cleaned_data["on"] or last_month_end(today())
        result = _dashboard(request.user, org, on)
    return render(request, "reports/dashboard.html", {"form": form, "result": result})


def _dashboard(actor, org, on) -> dict:
    start = add_months(on.replace(day=1), -11)
    head = selectors.build(actor, org, start, on, keys={"headcount"})["headcount"]
    keys = selectors.composition_keys(on)
    dims: dict[str, list] = {}
    for row in head.rows:
        key = keys.get((row["dimension"], row["label"]))
        dims.setdefault(row["dimension"], []).append(
            (row["label"], row["count"], _names_url(org, on, key) if key else None)
        )
    ends = [add_months(start, i + 1) - dt.timedelta(days=1) for i in range(12)]
    # with the day before the period, in one read: the movement table's opening and closing are then known
    heads = rollups.series(org, [start - dt.timedelta(days=1), *ends])
    trend = {d: heads[d] for d in ends}
    m = rollups.movement_on(org, start, on)
    moves = [
        (f"Tăng: {label}", n, _movement_url(org, start, on, f"tang:{k}")) for k, label, n in m.increases if n
    ]
    moves += [
        (f"Giảm: {label}", n, _movement_url(org, start, on, f"giam:{k}")) for k, label, n in m.decreases if n
    ]
    f = head.figures
    cards = [
        (f"đảng viên đến hết ngày {on:%d/%m/%Y}", f["tong"], _names_url(org, on, "tong")),
        ("chính thức", f["chinh_thuc"], _names_url(org, on, "chinh_thuc")),
        ("dự bị", f["du_bi"], _names_url(org, on, "du_bi")),
        ("được miễn công tác và sinh hoạt đảng", f["mien"], _names_url(org, on, "mien")),
        ("tổ chức cơ sở đảng", f["to_chuc_co_so"], None),
        ("chi bộ", f["to_chuc_chi_bo"], None),
    ]
    return {
        "org": org, "on": on, "start": start, "cards": cards, "movement": m,
        "dims": [{"dimension": d, "chart": documents.hbars(items, title=f"{d}, ngày {on:%d/%m/%Y}")}
                 for d, items in dims.items()],
        "trend": documents.columns([(f"{d:%m/%y}", trend[d], _names_url(org, d, "tong")) for d in ends],
                                title=f"Số đảng viên cuối mỗi tháng, {start:%m/%Y} – {on:%m/%Y}"),
        "moves": documents.hbars(moves, title="Biến động đảng viên"),
        "increase_url": _movement_url(org, start, on, "tang"), "decrease_url": _movement_url(org, start, on, "giam"),
        "from_rollups": rollups.hold(on), "recorded": bool(f["tong"] or m.opening or any(trend.values())),
        **_work(actor, org, start, on),
        "today": today(), "list_url": f"{reverse('members:list')}?{urlencode({'organization': org.pk})}",
    }  # fmt: skip


TOP = 10  # bars of a dashboard chart


def _grid_url(org_pk: int, year: int) -> str:
    return f"{reverse('meetings:overview')}?{urlencode({'to_chuc': org_pk, 'nam': year})}"


def _work(actor, org, start, on) -> dict:
    """The meetings, tasks and support programmes of the dashboard's twelve months (the review report's sections),
    each figure linking to the page that lists the rows behind it: the meeting grid of the organization (and of
    each organization under it), the tasks, the support programmes."""
    sections = selectors.build(actor, org, start, on, keys={"meetings", "tasks", "support"})
    meet, task, help_ = sections["meetings"], sections["tasks"], sections["support"]
    mf, tf, sf = meet.figures, task.figures, help_.figures
    grid = _grid_url(org.pk, on.year)
    lowest = sorted((r for r in meet.rows if r["expected"]), key=lambda r: (r["percent"], r["organization"]))[
        :TOP
    ]
    tasks_url, support_url = reverse("steering:tasks"), reverse("steering:programmes")
    out = {
        "meetings": {
            "recorded": bool(mf["phai_hop"] or mf["chuyen_de"]), "grid_url": grid,
            "cards": [("buổi sinh hoạt thường kỳ đã họp", mf["da_hop"], grid),
                      ("buổi phải họp", mf["phai_hop"], grid),
                      ("tỷ lệ", mf["ty_le"], grid),
                      ("buổi sinh hoạt chuyên đề", mf["chuyen_de"], grid),
                      *[(f"buổi cấp trên xếp loại {label.lower()}", n, grid) for label, n in mf["xep_loai"].items() if n]],
            "chart_title": f"Tỷ lệ buổi sinh hoạt thường kỳ đã họp, {len(lowest)} tổ chức thấp nhất",
            "chart": documents.hbars([(r["organization"], round(r["percent"]), _grid_url(r["organization_id"], on.year))
                                      for r in lowest], unit="%",
                                     title=f"Tỷ lệ buổi sinh hoạt thường kỳ đã họp (%), {len(lowest)} tổ chức thấp nhất"),
        },
        "tasks": {
            "recorded": bool(tf["nhiem_vu"]), "url": tasks_url,
            "cards": [("nhiệm vụ đã giao", tf["nhiem_vu"], tasks_url),
                      ("trong đó học tập, quán triệt", tf["quan_triet"], tasks_url),
                      ("lượt báo cáo / lượt giao", f"{so(tf['luot_bao_cao'])}/{so(tf['luot_giao'])}", tasks_url),
                      ("tỷ lệ báo cáo", tf["ty_le_bao_cao"], tasks_url),
                      ("tỷ lệ đảng viên dự học tập", tf["ty_le_du_hoc"], tasks_url)],
            "chart_title": "Số tổ chức đã báo cáo, theo nhiệm vụ",
            "chart": documents.hbars([(r["title"], r["reported"], reverse("steering:task", args=[r["task_id"]]))
                                      for r in task.rows[-TOP:]],
                                     title="Số tổ chức đã báo cáo, theo nhiệm vụ"),
        },
        "support": {
            "recorded": bool(sf["dong_gop"]), "url": support_url,
            "cards": [("lượt đóng góp", sf["dong_gop"], support_url),
                      ("cơ quan, đơn vị giúp đỡ", sf["to_chuc"], support_url),
                      ("xã được giúp đỡ", sf["xa"], support_url),
                      ("trong đó xã nghèo", sf["xa_ngheo"], support_url),
                      ("tổng trị giá (đồng)", sf["gia_tri"], support_url)],
            "chart_title": f"Trị giá giúp đỡ theo xã, {TOP} xã nhiều nhất",
            "chart": documents.hbars([(r["commune"], r["value"], support_url)
                                      for r in sorted(help_.rows, key=lambda r: -(r["value"] or 0))[:TOP]], unit=" đ",
                                     title="Trị giá giúp đỡ theo xã (đồng)"),
        },
    }  # fmt: skip
    for part in out.values():  # every figure as the page writes it: a share as a percentage, none as a dash
        part["cards"] = [(label, _figure(n), url) for label, n, url in part["cards"]]
    out["work"] = [
        ("sinh-hoat", "Sinh hoạt chi bộ", out["meetings"], "chưa ghi buổi sinh hoạt thường kỳ nào trong kỳ."),
        (
            "nhiem-vu",
            "Nhiệm vụ được giao, học tập, quán triệt",
            out["tasks"],
            "cấp ủy chưa giao nhiệm vụ nào trong kỳ.",
        ),
        ("ho-tro", "Giúp đỡ xã nghèo, khó khăn", out["support"], "chưa ghi lượt giúp đỡ nào trong kỳ."),
    ]
    return out


def _figure(n) -> str:
    if n is None:
        return "—"
    if isinstance(n, float):
        return phantram(n)
    return n if isinstance(n, str) else so(n)


@login_required
def names(request):
    """The members behind one figure: a group of the headcount and composition on a day (``on`` + ``nhom``), or a
    line of the movement table of a period (``start``, ``end`` + ``nhom`` "tang:…"/"giam:…") — that day's roll."""
    _organization_or_404(request, request.GET)
    form = _form(request)
    if not form.is_valid():
        raise Http404
    org, key = form.cleaned_data["organization"], request.GET.get("nhom", "")
    try:
        page = max(int(request.GET.get("trang", "1")), 1)
    except ValueError:
        page = 1
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    if start and end:
        result = selectors.movement_names(request.user, org, start, end, key, page=page)
    else:
        result = selectors.names_behind(request.user, org, form.cleaned_data["on"] or today(), key, page=page)
    if result is None:
        raise Http404
    pages = (result.total + selectors.NAMES_PAGE - 1) // selectors.NAMES_PAGE
    query = request.GET.copy()
    links = {}
    for name, target in (("prev", page - 1), ("next", page + 1)):
        if 1 <= target <= pages:
            query["trang"] = target
            links[name] = f"?{query.urlencode()}"
    return render(request, "reports/names.html", {"org": org, "result": result, "page": page, "pages": pages,
                                                  "first": (page - 1) * selectors.NAMES_PAGE, **links})  # fmt: skip
