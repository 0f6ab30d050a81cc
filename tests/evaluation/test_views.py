"""The campaign through its pages, one step per role: the member self-assesses, the cell secretary proposes with
the evidence and the quota counter shown, the grassroots committee decides; results and XLSX; scope."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from dangbo.core.dates import today
from dangbo.evaluation.choices import Level
from dangbo.evaluation.models import Campaign, Rating

from .test_services import discipline, rating_of

L = Level


def test_one_campaign_step_per_role(client, tree, people, clock):
    clock.set(dt.date(2026, 1, 5))
    client.force_login(people.secretary_a)
    page = client.get(reverse("evaluation:organization", args=[tree.a.pk]))
    assert page.status_code == 200 and "Mở đợt đánh giá mới" in page.content.decode()
    response = client.post(reverse("evaluation:organization", args=[tree.a.pk]), {
        "year": "2025", "period_kind": "nam", "deadline": "20/01/2026", "organizations": "on"})  # fmt: skip
    c = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == c.get_absolute_url()

    # The member: a reminder on "việc của tôi", the self-assessment on their rating page.
    client.force_login(people.member_user)
    mine = rating_of(c, people.m_a1)
    home = client.get(reverse("workspace:home")).content.decode()
    assert mine.get_absolute_url() in home and "Tự đánh giá, xếp loại" in home
    assert client.get(mine.get_absolute_url()).status_code == 200
    r = client.post(mine.get_absolute_url(), {"form": "self", "level": L.GOOD, "text": "Hoàn thành tốt"})
    assert r.status_code == 302
    mine.refresh_from_db()
    assert mine.self_level == L.GOOD and not mine.entered_on_behalf

    # The cell secretary: the campaign page shows their cell only, the evidence and the quota counter.
    client.force_login(people.cell_secretary)
    discipline(people, people.m_a1b, dt.date(2025, 5, 12))
    body = client.get(c.get_absolute_url()).content.decode()
    assert "Nguyễn Văn Hùng" in body and "Lê Văn An" not in body
    assert "kỷ luật khiển trách 05/2025 → không quá HTNV" in body and "Còn 0 suất xuất sắc" in body
    home = client.get(reverse("workspace:home")).content.decode()
    assert "chờ đề xuất mức xếp loại" in home
    # named under the cell whose members wait (the home page groups by it), not «Chung»
    from dangbo.evaluation.selectors import evaluation_alerts

    waiting = [a for a in evaluation_alerts(people.cell_secretary, today()) if "chờ đề xuất" in a.text]
    assert waiting and {a.org for a in waiting} == {"Chi bộ Văn phòng — Đảng bộ Sở Y tế"}
    assert "Chi bộ Văn phòng — Đảng bộ Sở Y tế" in home
    client.post(mine.get_absolute_url(), {"form": "propose", "level": L.GOOD, "score": "85"})
    refused = client.post(
        rating_of(c, people.m_a1b).get_absolute_url(), {"form": "propose", "level": L.GOOD, "score": "80"}
    )
    assert refused.status_code == 200
    assert "Mức đề xuất: kỷ luật khiển trách 05/2025 → không quá HTNV." in refused.content.decode()
    over = client.post(
        rating_of(c, people.m_a1b).get_absolute_url(), {"form": "propose", "level": L.DONE, "score": "120"}
    )
    assert "Điểm: số quá lớn" in over.content.decode()
    assert client.post(rating_of(c, people.m_a1b).get_absolute_url(),
                       {"form": "propose", "level": L.DONE, "score": "60"}).status_code == 302  # fmt: skip
    assert client.get(reverse("evaluation:decide", args=[c.pk])).status_code == 404  # not the committee

    # The grassroots committee proposes the rest and decides.
    client.force_login(people.secretary_a)
    for r in Rating.objects.filter(campaign=c, proposed_level=""):
        client.post(r.get_absolute_url(), {"form": "propose", "level": L.GOOD, "score": "75"})
    assert "Còn 0 suất xuất sắc" in client.get(c.get_absolute_url()).content.decode()
    no_number = client.post(
        reverse("evaluation:decide", args=[c.pk]), {"decision_no": "", "decision_date": "05/01/2026"}
    )
    assert "Số quyết định: không được để trống." in no_number.content.decode()
    done = client.post(
        reverse("evaluation:decide", args=[c.pk]), {"decision_no": "15-QĐ/ĐU", "decision_date": "05/01/2026"}
    )
    assert done.status_code == 302
    c.refresh_from_db()
    assert c.locked and rating_of(c, people.m_a1).decided_level == L.GOOD

    results = client.get(reverse("evaluation:results", args=[c.pk])).content.decode()
    assert "Hoàn thành tốt nhiệm vụ" in results and "Nguyễn Văn Hùng" in results
    xlsx = client.get(reverse("evaluation:results_xlsx", args=[c.pk]))
    ws = load_workbook(BytesIO(xlsx.content)).active
    texts = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v]
    assert "Nguyễn Văn Hùng" in texts and "Hoàn thành tốt nhiệm vụ" in texts

    import docx

    word = docx.Document(BytesIO(client.get(reverse("evaluation:decision_docx", args=[c.pk])).content))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Số 15-QĐ/ĐU" in "\n".join(
        p.text for t in word.tables for cell in t._cells for p in cell.paragraphs
    )
    assert "công nhận kết quả đánh giá, xếp loại chất lượng đảng viên năm 2025" in text
    assert "- Hoàn thành tốt nhiệm vụ: 2 đồng chí (66,7%);" in text
    assert "Căn cứ Quy định 366-QĐ/TW, 30/8/2025" in text
    names = [row.cells[1].text for row in word.tables[-1].rows[1:]]
    assert "Nguyễn Văn Hùng" in names
    (title,) = [p for p in word.paragraphs if p.text == "DANH SÁCH KÈM THEO QUYẾT ĐỊNH SỐ 15-QĐ/ĐU"]
    # the list on its own page, not its title under the signature
    assert title.paragraph_format.page_break_before

    # Locked: the proposal form is gone and a post changes nothing.
    client.post(mine.get_absolute_url(), {"form": "propose", "level": L.DONE, "score": "60"})
    mine.refresh_from_db()
    assert mine.proposed_level == L.GOOD


def test_other_organizations_campaign_is_404(client, tree, people, clock):
    from dangbo.evaluation import services

    clock.set(dt.date(2026, 1, 5))
    c = services.open_campaign(
        actor=people.secretary_a, authority=tree.a, year=2025, deadline=dt.date(2026, 1, 20)
    )
    client.force_login(people.secretary_b)
    for name in ("campaign", "results", "results_xlsx", "decide"):
        assert client.get(reverse(f"evaluation:{name}", args=[c.pk])).status_code == 404
    assert client.get(rating_of(c, people.m_a1).get_absolute_url()).status_code == 404
    assert "Sở Y tế" not in client.get(reverse("evaluation:index")).content.decode()
    client.force_login(people.member_user)  # a plain member: their own rating only
    assert client.get(rating_of(c, people.m_a1).get_absolute_url()).status_code == 200
    assert client.get(rating_of(c, people.m_a1b).get_absolute_url()).status_code == 404
    assert client.get(c.get_absolute_url()).status_code == 404


def test_results_of_a_scope_by_organization(client, tree, people, clock):
    from dangbo.evaluation import services

    clock.set(dt.date(2026, 1, 5))
    c = services.open_campaign(
        actor=people.secretary_a, authority=tree.a, year=2025, deadline=dt.date(2026, 1, 20)
    )
    services.propose(actor=people.secretary_a, rating=rating_of(c, people.m_a1), level=L.GOOD, score=80)
    services.propose(actor=people.secretary_a, rating=rating_of(c, people.m_a2), level=L.DONE, score=60)
    client.force_login(people.staff)
    page = client.get(reverse("evaluation:scope_results", args=[tree.a.pk]), {"nam": "2025"})
    rows = {r.organization.name: r for r in page.context["rows"]}
    assert rows["Chi bộ Văn phòng"].counts == {L.GOOD: 1} and rows["Chi bộ Khoa Nội"].counts == {L.DONE: 1}
    assert page.context["total"].rated == 2
    client.force_login(people.secretary_b)
    assert client.get(reverse("evaluation:scope_results", args=[tree.a.pk])).status_code == 404


def test_after_proposing_the_user_is_back_on_the_list_as_filtered_and_paged(client, tree, people, clock):
    """The rating is opened from a filtered, paged list (``?next=``, a path of this site only): the proposal, the
    self-assessment entered on behalf and the decision go back to it; another site is never a destination."""
    from urllib.parse import quote

    from dangbo.core.http import local_next
    from dangbo.evaluation import services

    clock.set(dt.date(2026, 1, 5))
    c = services.open_campaign(
        actor=people.secretary_a, authority=tree.a, year=2025, deadline=dt.date(2026, 1, 20)
    )
    client.force_login(people.cell_secretary)
    listing = f"{c.get_absolute_url()}?tinh_trang=chua_de_xuat&chi_bo={tree.a1.pk}&sau={rating_of(c, people.m_a1).pk}"
    page = client.get(listing).content.decode()
    lan = rating_of(c, people.m_a1b)
    link = f"{lan.get_absolute_url()}?next={quote(listing, safe='')}"
    assert f'href="{link}"' in page
    done = client.post(link, {"form": "propose", "level": L.DONE, "score": "60"})
    assert done.status_code == 302 and done["Location"] == listing
    done = client.post(link, {"form": "self", "level": L.DONE, "text": "Nhập thay"})
    assert done.status_code == 302 and done["Location"] == listing
    # Anything but a path of this site: back to the campaign as before.
    for bad in (
        "https://vi-du.example/",
        "//vi-du.example/x",
        "/\\vi-du.example",
        "javascript:alert(1)",
        "x/y",
    ):
        assert local_next(bad) is None
        r = client.post(f"{lan.get_absolute_url()}?next={quote(bad, safe='')}",
                        {"form": "propose", "level": L.DONE, "score": "61"})  # fmt: skip
        assert r.status_code == 302 and r["Location"] == c.get_absolute_url(), bad
    # The decision, from the committee's filtered list.
    client.force_login(people.secretary_a)
    for r in Rating.objects.filter(campaign=c, proposed_level=""):
        services.propose(actor=people.secretary_a, rating=r, level=L.DONE, score="60")
    filtered = f"{c.get_absolute_url()}?muc={L.DONE}"
    assert f"?next={quote(filtered, safe='')}" in client.get(filtered).content.decode()
    decided = client.post(f"{reverse('evaluation:decide', args=[c.pk])}?next={quote(filtered, safe='')}",
                          {"decision_no": "15-QĐ/ĐU", "decision_date": "05/01/2026"})  # fmt: skip
    assert decided.status_code == 302 and decided["Location"] == filtered


def test_the_decision_cites_the_regulation_title_a_setting_may_replace(client, campaign, people, settings):
    """The full titles of QĐ 366/124/132 are not in the project's sources [U]: the decision cites the built-in
    wording unless ``DANGBO_EVALUATION_REGULATION_TITLES`` gives the text checked against the document."""
    import docx

    def grounds():
        client.force_login(people.secretary_a)
        word = docx.Document(
            BytesIO(client.get(reverse("evaluation:decision_docx", args=[campaign.pk])).content)
        )
        return [p.text for p in word.paragraphs if p.text.startswith("Căn cứ Quy định")]

    assert grounds() == [
        "Căn cứ Quy định 366-QĐ/TW, 30/8/2025 về kiểm điểm, đánh giá, xếp loại chất lượng đối với tập thể, cá nhân "
        "trong hệ thống chính trị;"
    ]
    settings.DANGBO_EVALUATION_REGULATION_TITLES = {"qd366": "về tiêu đề đã đối chiếu với văn bản"}
    assert grounds() == ["Căn cứ Quy định 366-QĐ/TW, 30/8/2025 về tiêu đề đã đối chiếu với văn bản;"]


def test_the_campaign_pages_evidence_says_what_the_record_holds(campaign, tree, people, client):
    """The evidence column of the campaign page (read with the list's rows) gives, for each member, the meetings
    held and attended, the absences without excuse and the cap of a discipline — as ``evidence.summary`` counts
    them from the record."""
    from django.utils import timezone

    from dangbo.evaluation.evidence import selectors as evidence
    from dangbo.meetings.choices import MeetingState, Presence
    from dangbo.meetings.models import Attendance, Meeting
    from tests.factories import MeetingFactory

    P = Presence
    plan = {
        people.m_a1: [P.PRESENT, P.PRESENT, P.UNEXCUSED],
        people.m_a1b: [P.LATE, P.UNEXCUSED, P.UNEXCUSED],
    }
    for month in range(3):
        meeting = MeetingFactory(
            organization=tree.a1, planned_at=timezone.make_aware(dt.datetime(2025, 3 + month, 5))
        )
        Meeting.objects.filter(pk=meeting.pk).update(state=MeetingState.HELD)
        for member, presences in plan.items():
            Attendance.objects.create(meeting=meeting, member=member, presence=presences[month])
    discipline(people, people.m_a1b, dt.date(2025, 5, 12))
    client.force_login(people.secretary_a)
    body = client.get(campaign.get_absolute_url()).content.decode()
    proof = evidence.summary(campaign, [m.pk for m in plan])
    assert [(proof[m.pk].attended, proof[m.pk].expected, proof[m.pk].unexcused) for m in plan] == [
        (2, 3, 1),
        (1, 3, 2),
    ]
    assert 'SH 2/3, <span class="warn">vắng KLD 1</span></td>' in body
    assert ('SH 1/3, <span class="warn">vắng KLD 2</span><br><span class="warn">kỷ luật khiển trách 05/2025 → '
            "không quá HTNV</span></td>") in body  # fmt: skip
    others = (
        Rating.objects.filter(campaign=campaign, member__isnull=False).exclude(member__in=list(plan)).count()
    )
    assert body.count("<td>SH 0/0</td>") == others


def test_the_results_page_compares_with_the_previous_period(campaign_2024, campaign, people, client):
    """The results of 2025 put the counts of the same committee's 2024 campaign beside their own (its proposed
    levels while it is open), with a link to its results; the 2024 results have no earlier period."""
    from dangbo.evaluation import selectors, services

    ratings = list(Rating.objects.filter(campaign=campaign_2024, member__isnull=False, not_rated=""))
    for r in ratings:
        services.propose(actor=people.secretary_a, rating=r, level=Level.DONE)
    client.force_login(people.secretary_a)
    page = client.get(reverse("evaluation:results", args=[campaign.pk]))
    assert page.context["prev"].pk == campaign_2024.pk and page.context["prev"].year == 2024
    assert page.context["prev_counts"] == selectors.tally(campaign_2024).counts == {Level.DONE: len(ratings)}
    body = page.content.decode()
    assert f'<a href="{reverse("evaluation:results", args=[campaign_2024.pk])}">Kỳ trước</a>' in body
    assert f'<td class="num">{len(ratings)}</td>' in body
    earlier = client.get(reverse("evaluation:results", args=[campaign_2024.pk]))
    assert earlier.context["prev"] is None and "Kỳ trước" not in earlier.content.decode()


def test_the_decision_is_signed_by_the_secretary_of_the_day_or_leaves_a_line_to_sign(
    client, campaign, people
):
    """Issue 13: the signature block had "T/M ĐẢNG ỦY", "BÍ THƯ" and no name. It names the secretary seated on the
    decision's day (a deputy signs "K/T BÍ THƯ" / "PHÓ BÍ THƯ"); with nobody on record, a dotted line to sign
    over and write the name."""
    import datetime as dt

    import docx

    from dangbo.organizations.selectors import SIGNATURE_BLANK
    from tests.factories import SeatFactory, TermFactory

    def signature():
        client.force_login(people.secretary_a)
        word = docx.Document(
            BytesIO(client.get(reverse("evaluation:decision_docx", args=[campaign.pk])).content)
        )
        right = word.tables[1].rows[0].cells[1]  # the table after the header: Nơi nhận | signature
        return [p.text for p in right.paragraphs if p.text]

    assert signature() == ["T/M ĐẢNG ỦY", "BÍ THƯ", SIGNATURE_BLANK]
    term = TermFactory(organization=campaign.authority, start_date=dt.date(2020, 8, 1))
    SeatFactory(term=term, member=people.m_a1, position="pho_bi_thu")
    assert signature() == ["T/M ĐẢNG ỦY", "K/T BÍ THƯ\nPHÓ BÍ THƯ", "Nguyễn Văn Hùng"]
    SeatFactory(term=term, member=people.m_a1b, position="bi_thu")
    assert signature()[1:] == ["BÍ THƯ", people.m_a1b.full_name]
