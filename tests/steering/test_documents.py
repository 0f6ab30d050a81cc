"""The document register: incoming and own documents, own numbers per committee term and per congress (HD 36),
automatic numbering under concurrent use, the duplicate rule of incoming documents, checked attachments,
accent-free search, scope, and the pages."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.urls import reverse

from dangbo.audit.models import AuditEvent
from dangbo.core import policies
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.organizations import selectors as org_selectors
from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization, Term
from dangbo.steering.choices import Direction, Numbering
from dangbo.steering.documents import selectors as document_selectors
from dangbo.steering.documents import services as documents
from dangbo.steering.models import Document, DocumentCounter
from tests.factories import TaskFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# The committee terms of every organization of the test tree (the congress closes on the day before each start).
TERMS = [("2010–2015", dt.date(2010, 8, 1)), ("2015–2020", dt.date(2015, 8, 1)), ("2020–2025", dt.date(2020, 8, 1)),
         ("2025–2030", dt.date(2025, 8, 1))]  # fmt: skip


def record_terms(org, actor, terms=TERMS):
    return [
        org_services.term_create(actor=actor, organization=org, name=name, start_date=start)
        for name, start in terms
    ]


@pytest.fixture(autouse=True)
def _terms(tree, root_user):
    """Own documents are numbered per committee term: the organizations of the tree have their terms recorded."""
    for org in (tree.province, tree.bloc, tree.a, tree.a1, tree.a2, tree.b):
        record_terms(org, root_user)


def stored_files(media: Path) -> list[Path]:
    return [p for p in Path(media).rglob("*") if p.is_file()] if Path(media).exists() else []


def incoming(**over):
    data = {
        "doc_type": "CT", "number": 3, "issuer_code": "TW", "issuer_name": "Ban Chấp hành Trung ương",
        "issued_date": dt.date(2011, 5, 14), "received_date": dt.date(2011, 5, 20),
        "summary": "Về tăng cường học tập và làm theo tấm gương đạo đức Hồ Chí Minh", "signer": "Nguyễn Phú Trọng",
    }  # fmt: skip
    data.update(over)
    return data


def own(**over):
    data = {"doc_type": "BC", "issued_date": dt.date(2024, 3, 10), "summary": "Báo cáo kết quả công tác quý I",
            "signer": "Lê Văn Bí Thư"}  # fmt: skip
    data.update(over)
    return data


def docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("Đảng ủy Sở Y tế — Báo cáo")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


# --- Incoming documents ------------------------------------------------------------------------------


def test_incoming_document_symbol_and_history(tree, root_user):
    d = documents.document_register(actor=root_user, register=tree.a, data=incoming())
    assert d.symbol == "03-CT/TW"
    assert (d.direction, d.year, d.type_code) == (Direction.INCOMING, 2011, "CT")
    assert d.search_norm.startswith("so 03-ct/tw")
    ev = AuditEvent.objects.get(object_id=str(d.pk), content_type__model="document")
    assert ev.action == "create" and ev.scope_path == tree.a.path
    assert (
        documents.document_register(actor=root_user, register=tree.a, data=incoming(number=12)).symbol
        == "12-CT/TW"
    )


DUPLICATE = "Số, ký hiệu: văn bản Số 03-CT/TW của Ban Chấp hành Trung ương ngày 14/05/2011 đã có trong sổ."


def test_the_same_incoming_document_twice_is_refused(tree, root_user):
    """An incoming document is its issuer's symbol of one day: entered again (also with the issuer written
    without accents or in other case), it is refused."""
    documents.document_register(actor=root_user, register=tree.a, data=incoming())
    with pytest.raises(ApplicationError) as err:
        documents.document_register(actor=root_user, register=tree.a, data=incoming(summary="Nhập lại"))
    assert err.value.field_errors["number"] == DUPLICATE
    with pytest.raises(ApplicationError) as err:
        documents.document_register(actor=root_user, register=tree.a, data=incoming(
            issuer_name="ban chap hanh  TRUNG UONG", received_date=None))  # fmt: skip
    assert err.value.field_errors["number"] == DUPLICATE.replace(
        "Ban Chấp hành Trung ương", "ban chap hanh TRUNG UONG"
    )
    assert Document.objects.count() == 1
    # Another register, another issuer code: a different entry.
    documents.document_register(actor=root_user, register=tree.b, data=incoming())
    documents.document_register(
        actor=root_user, register=tree.a, data=incoming(issuer_code="TU", issuer_name="Tỉnh ủy Nghệ An")
    )
    assert Document.objects.count() == 3


def test_the_same_symbol_of_other_issuers_or_other_days_is_another_incoming_document(tree, root_user):
    """The issuers number per term of THEIR committee, which we don't know: "01-NQ/ĐU" comes from every grassroots
    committee, and again from the same one in its next term (and a year later is no longer enough to tell)."""
    first = incoming(doc_type="NQ", number=1, issuer_code="ĐU", issuer_name="Đảng ủy Sở Y tế",
                     issued_date=dt.date(2020, 8, 3), received_date=None)  # fmt: skip
    documents.document_register(actor=root_user, register=tree.bloc, data=first)
    documents.document_register(
        actor=root_user, register=tree.bloc, data={**first, "issuer_name": "Đảng ủy Sở Tư pháp"}
    )
    documents.document_register(
        actor=root_user, register=tree.bloc, data={**first, "issued_date": dt.date(2025, 8, 4)}
    )
    documents.document_register(
        actor=root_user, register=tree.bloc, data={**first, "issued_date": dt.date(2021, 8, 3)}
    )
    with pytest.raises(ApplicationError) as err:
        documents.document_register(actor=root_user, register=tree.bloc, data={**first, "summary": "Lần hai"})
    assert err.value.field_errors["number"] == (
        "Số, ký hiệu: văn bản Số 01-NQ/ĐU của Đảng ủy Sở Y tế ngày 03/08/2020 đã có trong sổ."
    )
    assert Document.objects.filter(register=tree.bloc).count() == 4


def test_database_constraint_backs_the_check(tree, root_user, monkeypatch):
    """Two clerks saving the same symbol at the same moment: both pass the check, the constraint refuses one."""
    documents.document_register(actor=root_user, register=tree.a, data=incoming())
    monkeypatch.setattr(documents, "_clashes", lambda doc: False)
    with pytest.raises(ApplicationError) as err:
        documents.document_register(actor=root_user, register=tree.a, data=incoming(summary="Lần hai"))
    assert err.value.field_errors["number"] == DUPLICATE
    assert Document.objects.count() == 1
    # An own number: the constraint per term refuses the same symbol in the same term.
    documents.document_issue(actor=root_user, register=tree.a, data=own())
    DocumentCounter.objects.update(last=0)  # a counter gone wrong: only the constraint is left
    with pytest.raises(ApplicationError) as err:
        documents.document_issue(actor=root_user, register=tree.a, data=own(summary="Lần hai"))
    assert (
        err.value.field_errors["number"]
        == "Số, ký hiệu: văn bản Số 01-BC/ĐU (nhiệm kỳ 2020–2025) đã có trong sổ."
    )
    assert Document.objects.count() == 2


def test_bad_input_names_each_field_and_saves_nothing(tree, root_user):
    bad = incoming(doc_type=None, number=None, issuer_code="T W/", issuer_name="  ", summary="",
                   issued_date=dt.date(2011, 6, 1), received_date=dt.date(2011, 5, 1))  # fmt: skip
    with pytest.raises(ApplicationError) as err:
        documents.document_register(actor=root_user, register=tree.a, data=bad)
    e = err.value.field_errors
    assert e["doc_type"].startswith("Loại văn bản:")
    assert e["number"] == "Số: không được để trống."
    assert e["issuer_code"].startswith("Ký hiệu cơ quan ban hành:")
    assert e["issuer_name"] == "Cơ quan ban hành: không được để trống."
    assert e["summary"] == "Trích yếu: không được để trống."
    assert e["received_date"] == "Ngày đến: trước ngày ban hành (01/06/2011)."
    with pytest.raises(ApplicationError) as err:
        documents.document_register(
            actor=root_user,
            register=tree.a,
            data=incoming(issued_date=dt.date(2099, 1, 1), received_date=None),
        )
    assert err.value.field_errors["issued_date"] == "Ngày ban hành: không được sau ngày hôm nay."
    assert (
        not Document.objects.exists()
        and not AuditEvent.objects.filter(content_type__model="document").exists()
    )


def test_text_is_normalised(tree, root_user):
    d = documents.document_register(actor=root_user, register=tree.a, data=incoming(
        issuer_code=" đuk ", issuer_name="Đa\u0309ng  u\u0309y   Khối", summary="  Về   việc  "))  # fmt: skip
    assert (d.issuer_code, d.issuer_name, d.summary) == ("ĐUK", "Đảng ủy Khối", "Về việc")
    assert d.symbol == "03-CT/ĐUK"


# --- Own documents -------------------------------------------------------------------------------------


def test_own_documents_are_numbered_per_type_within_the_committee_term(tree, root_user):
    first = documents.document_issue(actor=root_user, register=tree.a, data=own())
    second = documents.document_issue(
        actor=root_user, register=tree.a, data=own(issued_date=dt.date(2024, 4, 1))
    )
    plan = documents.document_issue(actor=root_user, register=tree.a, data=own(doc_type="KH"))
    next_year = documents.document_issue(
        actor=root_user, register=tree.a, data=own(issued_date=dt.date(2025, 1, 3))
    )
    other_org = documents.document_issue(actor=root_user, register=tree.b, data=own())
    # 2025 is still the 2020–2025 term: the numbers go on, they do not restart with the year.
    assert [first.symbol, second.symbol, plan.symbol, next_year.symbol] == [
        "01-BC/ĐU",
        "02-BC/ĐU",
        "01-KH/ĐU",
        "03-BC/ĐU",
    ]
    assert (first.issuer_name, first.direction, first.received_date) == (
        "Đảng ủy Sở Y tế",
        Direction.OWN,
        None,
    )
    term = Term.objects.get(organization=tree.a, name="2020–2025")
    assert (first.numbering, first.term, first.series) == (Numbering.TERM, term, "Nhiệm kỳ 2020–2025")
    assert (other_org.symbol, other_org.issuer_name) == ("01-BC/CB", "Chi bộ Sở Tư pháp")
    assert DocumentCounter.objects.get(term=term, type_code="BC", issuer_code="ĐU").last == 3


def test_a_day_belongs_to_the_term_that_started_last(tree, root_user):
    """The one rule (``term_on``): a term's ``start_date`` is its first day; the day before it belongs to the
    previous term; a recorded end matters only while no next term is recorded."""
    org = org_services.organization_create(actor=root_user, parent=tree.bloc, data={
        "name": "Đảng bộ Sở Tài chính", "code": "STC", "kind": "dang_bo_co_so"})  # fmt: skip
    t1, t2 = record_terms(org, root_user, TERMS[:2])
    t3 = org_services.term_create(actor=root_user, organization=org, name="2020–2025", start_date=dt.date(2020, 8, 1),
                                  end_date=dt.date(2025, 2, 13))  # fmt: skip
    walk = {
        dt.date(2010, 7, 31): None,  # before the first recorded term
        dt.date(2010, 8, 1): t1,
        dt.date(2015, 7, 31): t1,  # the last day of a term …
        dt.date(2015, 8, 1): t2,  # … and the first of the next
        dt.date(2020, 8, 1): t3,
        dt.date(2025, 2, 13): t3,  # the recorded end is the last day of the term
        dt.date(2025, 2, 14): None,  # ended, the next term not recorded yet
    }
    assert {day: org_selectors.term_on(org, day) for day in walk} == walk
    assert [org_selectors.term_last_day(t) for t in (t1, t2, t3)] == [
        dt.date(2015, 7, 31), dt.date(2020, 7, 31), dt.date(2025, 2, 13)]  # fmt: skip
    # The same rule written as SQL for the register page's notice.
    for day, term in walk.items():
        without = org_selectors.organizations_without_term(Organization.objects.filter(pk=org.pk), day)
        assert without.exists() == (term is None), day


def test_numbers_walk_a_term_boundary(tree, root_user):
    """The last document of one term and the first of the next: the next term starts again from 01."""
    kh = {"doc_type": "KH", "summary": "Kế hoạch"}
    numbers = [
        documents.document_issue(actor=root_user, register=tree.bloc, data=own(**kh, issued_date=day)).symbol
        for day in (dt.date(2011, 6, 1), dt.date(2012, 1, 12), dt.date(2015, 7, 31), dt.date(2015, 8, 1),
                    dt.date(2016, 1, 4))
    ]  # fmt: skip
    assert numbers == ["01-KH/ĐU", "02-KH/ĐU", "03-KH/ĐU", "01-KH/ĐU", "02-KH/ĐU"]
    assert list(Document.objects.order_by("issued_date").values_list("term__name", flat=True)) == [
        "2010–2015", "2010–2015", "2010–2015", "2015–2020", "2015–2020"]  # fmt: skip


def test_no_recorded_term_refuses_an_own_number_and_says_where_terms_are_entered(
    client, clock, tree, people, root_user
):
    clock.set(dt.date(2024, 6, 1))
    org = org_services.organization_create(actor=root_user, parent=tree.bloc, data={
        "name": "Đảng bộ Sở Tài chính", "code": "STC", "kind": "dang_bo_co_so"})  # fmt: skip
    with pytest.raises(ApplicationError) as err:
        documents.document_issue(actor=root_user, register=org, data=own())
    assert err.value.field_errors["issued_date"] == (
        "Ngày ban hành: «Đảng bộ Sở Tài chính» chưa có nhiệm kỳ cấp ủy chứa ngày 10/03/2024, nên chưa cấp được số "
        "(số văn bản của cấp ủy đánh theo nhiệm kỳ). Ghi nhiệm kỳ ở trang Cấp ủy của tổ chức."
    )
    assert not Document.objects.exists() and not DocumentCounter.objects.exists()
    # An incoming document needs no term of the register.
    assert documents.document_register(actor=root_user, register=org, data=incoming()).symbol == "03-CT/TW"
    # The register page names the organization and links to its committee page; the entry form warns too.
    client.force_login(people.staff)
    body = client.get(reverse("steering:documents")).content.decode()
    assert "Chưa cấp được số cho văn bản do cấp ủy ban hành</strong> của 1 tổ chức" in body
    assert f'<a href="{reverse("organizations:committee", args=[org.pk])}">Đảng bộ Sở Tài chính</a>' in body
    body = client.get(reverse("steering:document_create"), {"so": org.pk}).content.decode()
    assert (
        "«Đảng bộ Sở Tài chính» chưa có nhiệm kỳ cấp ủy chứa ngày 01/06/2024" in body
        and "Mở trang Cấp ủy" in body
    )
    r = client.post(reverse("steering:document_create"), {"register": org.pk, "direction": "di", "doc_type": _type("BC"),
                                                          "issued_date": "10/03/2024", "summary": "Báo cáo"})  # fmt: skip
    assert (
        r.status_code == 200
        and "Ngày ban hành: «Đảng bộ Sở Tài chính» chưa có nhiệm kỳ cấp ủy" in r.content.decode()
    )
    # Once the term is entered, the notice is gone and the number is given.
    org_services.term_create(
        actor=people.staff, organization=org, name="2020–2025", start_date=dt.date(2020, 9, 1)
    )
    assert "Chưa cấp được số" not in client.get(reverse("steering:documents")).content.decode()
    assert documents.document_issue(actor=root_user, register=org, data=own()).symbol == "01-BC/ĐU"


def test_a_congress_numbers_all_its_documents_together(tree, root_user):
    """From its preparatory session to its close, whatever the type; the committee's own sequence is apart."""
    term = org_services.term_create(actor=root_user, organization=tree.b, name="2027–2032",
                                    start_date=dt.date(2027, 8, 1), congress_start=dt.date(2027, 7, 29),
                                    congress_end=dt.date(2027, 7, 31))  # fmt: skip
    term = Term.objects.get(pk=term.pk)
    # Older terms of the test tree have no congress: a congress document dated then is refused.
    with pytest.raises(ApplicationError) as err:
        documents.document_issue(actor=root_user, register=tree.b, data=own(congress=True))
    assert err.value.field_errors["issued_date"].startswith(
        "Ngày ban hành: không có đại hội nào của «Chi bộ Sở Tư pháp» họp ngày 10/03/2024"
    )
    Term.objects.filter(pk=term.pk).update(start_date=dt.date(2023, 8, 1), congress_start=dt.date(2023, 7, 29),
                                           congress_end=dt.date(2023, 7, 31), name="2023–2028")  # fmt: skip
    term.refresh_from_db()
    congress = [
        documents.document_issue(
            actor=root_user, register=tree.b, data=own(doc_type=t, issued_date=d, congress=True)
        )
        for t, d in (("BB", dt.date(2023, 7, 29)), ("NQ", dt.date(2023, 7, 31)), ("BB", dt.date(2023, 7, 31)))
    ]
    committee = documents.document_issue(actor=root_user, register=tree.b, data=own(doc_type="NQ",
                                                                                   issued_date=dt.date(2023, 8, 2)))  # fmt: skip
    assert [d.symbol for d in congress] == ["01-BB/ĐH", "02-NQ/ĐH", "03-BB/ĐH"]
    assert congress[0].issuer_name == "Đại hội Chi bộ Sở Tư pháp"
    assert {(d.numbering, d.term_id) for d in congress} == {(Numbering.CONGRESS, term.pk)}
    assert congress[1].series == "Đại hội nhiệm kỳ 2023–2028"
    assert (committee.symbol, committee.term_id) == ("01-NQ/CB", term.pk)
    assert DocumentCounter.objects.get(term=term, congress=True).last == 3


def test_own_document_ignores_a_given_number_and_keeps_chosen_issuer(tree, root_user):
    d = documents.document_issue(actor=root_user, register=tree.bloc,
                                 data=own(number=77, issuer_code="ĐUK", issuer_name="Đảng ủy Khối các cơ quan tỉnh"))  # fmt: skip
    assert d.symbol == "01-BC/ĐUK"
    assert document_selectors.suggested_issuer(tree.province) == ("TU", "Tỉnh ủy Nghệ An")
    assert document_selectors.suggested_issuer(tree.bloc) == ("ĐU", "Đảng ủy Khối các cơ quan tỉnh")
    assert document_selectors.suggested_issuer(tree.a1)[0] == "CB"


def test_own_numbering_skips_a_symbol_already_in_the_register(tree, root_user):
    """A register filled in by hand before: the counter does not hand out a symbol that is already there."""
    documents.document_register(actor=root_user, register=tree.a, data=incoming(
        doc_type="BC", number=1, issuer_code="ĐU", issuer_name="Đảng ủy Sở Y tế", issued_date=dt.date(2024, 1, 5),
        received_date=None))  # fmt: skip
    assert documents.document_issue(actor=root_user, register=tree.a, data=own()).symbol == "02-BC/ĐU"


def test_past_years_work_for_the_demo_loader(tree, root_user):
    d = documents.document_issue(
        actor=root_user, register=tree.province, data=own(doc_type="NQ", issued_date=dt.date(2011, 2, 1))
    )
    assert (d.symbol, d.year, d.term.name) == ("01-NQ/TU", 2011, "2010–2015")


def test_the_migration_keeps_issued_numbers_and_reseeds_the_counters_per_term(tree, root_user):
    """Numbers issued per year before are legal facts: kept, marked, placed in their term; the next number of a
    type in that term follows the highest one already used in it."""
    from importlib import import_module

    from django.apps import apps

    def legacy(number, day, type_code="KH", register=tree.bloc):
        return Document.objects.create(register=register, direction=Direction.OWN, doc_type_id=_type(type_code),
                                       type_code=type_code, number=number, issuer_code="ĐU", year=day.year,
                                       issuer_name="Đảng ủy Khối", issued_date=day, summary="Kế hoạch")  # fmt: skip

    rows = [legacy(1, dt.date(2011, 6, 1)), legacy(1, dt.date(2012, 1, 12)), legacy(2, dt.date(2012, 2, 15)),
            legacy(4, dt.date(2016, 3, 1))]  # fmt: skip
    org = org_services.organization_create(actor=root_user, parent=tree.bloc, data={
        "name": "Đảng bộ Sở Tài chính", "code": "STC", "kind": "dang_bo_co_so"})  # fmt: skip
    before_terms = legacy(7, dt.date(2012, 5, 5), register=org)
    came_in = documents.document_register(actor=root_user, register=tree.bloc, data=incoming())
    Document.objects.filter(pk=came_in.pk).update(issuer_norm="")
    import_module("dangbo.steering.migrations.0004_numbering_per_term").renumber(apps, None)
    for d in [*rows, before_terms, came_in]:
        d.refresh_from_db()
    assert [(d.symbol, d.numbering, d.term.name) for d in rows] == [
        ("01-KH/ĐU", Numbering.YEAR, "2010–2015"), ("01-KH/ĐU", Numbering.YEAR, "2010–2015"),
        ("02-KH/ĐU", Numbering.YEAR, "2010–2015"), ("04-KH/ĐU", Numbering.YEAR, "2015–2020")]  # fmt: skip
    assert (before_terms.number, before_terms.numbering, before_terms.term) == (7, Numbering.YEAR, None)
    assert rows[0].series == "Năm 2011, cách đánh số cũ"
    assert (came_in.numbering, came_in.issuer_norm) == ("", "ban chap hanh trung uong")
    bloc_kh = DocumentCounter.objects.filter(term__organization=tree.bloc, type_code="KH").order_by(
        "term__start_date"
    )
    assert [(c.term.name, c.last) for c in bloc_kh] == [("2010–2015", 2), ("2015–2020", 4)]
    issued = documents.document_issue(actor=root_user, register=tree.bloc,
                                      data=own(doc_type="KH", issued_date=dt.date(2013, 1, 7)))  # fmt: skip
    assert issued.symbol == "03-KH/ĐU"


def test_only_committees_with_the_right_may_register(tree, people):
    for user in (people.secretary_b, people.leader, people.cell_secretary, people.member_user, people.nobody):
        with pytest.raises(PermissionDenied):
            documents.document_register(actor=user, register=tree.a, data=incoming())
    d = documents.document_register(actor=people.secretary_a, register=tree.a, data=incoming())
    assert documents.document_issue(actor=people.staff, register=tree.a1, data=own()).register == tree.a1
    assert d.register == tree.a
    assert {o.pk for o in document_selectors.register_choices(people.secretary_a)} == {
        tree.a.pk,
        tree.a1.pk,
        tree.a2.pk,
    }
    assert document_selectors.register_choices(people.cell_secretary) == []


def _concurrently(n: int, call) -> tuple[list[int], list[str]]:
    """Run ``call(i)`` in ``n`` threads released at the same moment; their results and errors."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def work(i):
        try:
            barrier.wait(timeout=30)
            results.append(call(i))
        except Exception as error:  # reported by the assertion of the caller
            errors.append(repr(error) + repr(getattr(error, "field_errors", "")))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def _issue(register, actor):
    return lambda i: (
        documents.document_issue(actor=actor, register=register, data=own(summary=f"Báo cáo {i}")).number
    )


def _allocate(register):
    """The counter alone (without the document's check against existing symbols), keyed by the term of the day."""
    from dangbo.organizations.selectors import term_on

    term = term_on(register, own()["issued_date"])

    def call(i):
        with transaction.atomic():
            return documents.next_number(
                term, type_code="BC", issuer_code=document_selectors.suggested_issuer(register)[0]
            )

    return call


# Run on a real SQLite file with the deployment settings (transaction_mode=IMMEDIATE, WAL): the test database
# of pytest-django on SQLite is in memory with a shared cache, where concurrent writers fail at once with
# "database table is locked" instead of waiting, so it cannot show how the application behaves.
SQLITE_SCRIPT = textwrap.dedent("""
    import json, sys
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from dangbo.accounts.models import User
    from dangbo.organizations import services as org_services
    root = User.objects.create_superuser("root", password="x-Unused-Pw-1", full_name="Quản trị")
    p = org_services.organization_create(actor=root, parent=None, data={"name": "Đảng bộ tỉnh", "code": "T", "kind": "tinh"})
    org_services.term_create(actor=root, organization=p, name="2020–2025", start_date=__import__("datetime").date(2020, 8, 1))
    sys.path.insert(0, sys.argv[2])
    from test_documents import _allocate, _concurrently, _issue
    n = int(sys.argv[1])
    numbers, errors = _concurrently(n, _issue(p, root))
    counted, errors2 = _concurrently(n, _allocate(p))
    print(json.dumps({"numbers": numbers, "counted": counted, "errors": errors + errors2}))
""")


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_never_share_a_number(tree, root_user, tmp_path):
    n = 8
    # A transactional test before this one (the browser tests) empties every table, also the document types
    # that the migration 0002 writes: put them back the way the migration does.
    from importlib import import_module

    from django.apps import apps

    import_module("dangbo.steering.migrations.0002_document_types").seed(apps, None)
    if connection.vendor == "sqlite":
        import json

        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(DANGBO_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="dangbo.settings")
        done = subprocess.run([sys.executable, "-c", SQLITE_SCRIPT, str(n), str(Path(__file__).parent)], env=env,
                              capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
        result = json.loads(done.stdout.strip().splitlines()[-1])
        numbers, counted, errors = result["numbers"], result["counted"], result["errors"]
    else:
        numbers, errors = _concurrently(n, _issue(tree.a, root_user))
        assert errors == []
        assert Document.objects.filter(register=tree.a).count() == n
        counted, more_errors = _concurrently(n, _allocate(tree.a))
        errors += more_errors
    assert errors == []
    assert sorted(numbers) == list(range(1, n + 1))
    assert sorted(counted) == list(range(n + 1, 2 * n + 1))
    if connection.vendor != "sqlite":
        assert set(Document.objects.filter(register=tree.a).values_list("term__name", flat=True)) == {
            "2020–2025"
        }


# --- Attachments ---------------------------------------------------------------------------------------


def test_real_pdf_and_docx_are_accepted_and_stored_under_a_random_name(tree, root_user, _media):
    pdf = SimpleUploadedFile("Chỉ thị 03.pdf", PDF_BYTES, content_type="application/pdf")
    d = documents.document_register(actor=root_user, register=tree.a, data=incoming(), upload=pdf)
    assert (d.attachment_name, d.attachment_size) == ("Chỉ thị 03.pdf", len(PDF_BYTES))
    assert d.attachment.name.startswith("tep/document/") and "Chỉ" not in d.attachment.name
    assert Path(d.attachment.path).read_bytes() == PDF_BYTES
    word = SimpleUploadedFile("bao-cao.docx", docx_bytes())
    d2 = documents.document_issue(actor=root_user, register=tree.a, data=own(), upload=word)
    assert d2.attachment.name.endswith(".docx") and len(stored_files(_media)) == 2


@pytest.mark.parametrize("name,content,problem", [
    ("chi-thi.pdf", b"<html><script>alert(1)</script></html>", "không phải là tệp PDF thật"),
    ("setup.exe", b"MZ\x90\x00" + b"\x00" * 100, "chỉ nhận tệp văn bản"),
    ("gia.docx", b"PK\x03\x04not really a zip", "bị hỏng"),
])  # fmt: skip
def test_bad_files_are_refused_and_nothing_is_saved(tree, root_user, _media, name, content, problem):
    upload = SimpleUploadedFile(name, content)
    for call, data in ((documents.document_register, incoming()), (documents.document_issue, own())):
        with pytest.raises(ApplicationError) as err:
            call(actor=root_user, register=tree.a, data=data, upload=upload)
        assert problem in err.value.field_errors["attachment"]
        assert err.value.field_errors["attachment"].startswith("Tệp đính kèm:")
    assert not Document.objects.exists() and stored_files(_media) == []
    assert not DocumentCounter.objects.exists()


def test_file_over_the_limit_is_refused(tree, root_user, settings, _media):
    settings.DANGBO_UPLOAD_MAX_MB = 1
    big = SimpleUploadedFile("lon.pdf", PDF_BYTES + b"0" * (1024 * 1024))
    with pytest.raises(ApplicationError) as err:
        documents.document_register(actor=root_user, register=tree.a, data=incoming(), upload=big)
    assert "vượt giới hạn 1 MB" in err.value.field_errors["attachment"]
    assert not Document.objects.exists() and stored_files(_media) == []


def test_file_is_removed_when_the_entry_is_refused_by_the_database(tree, root_user, _media, monkeypatch):
    documents.document_register(actor=root_user, register=tree.a, data=incoming())
    monkeypatch.setattr(documents, "_clashes", lambda doc: False)
    with pytest.raises(ApplicationError):
        documents.document_register(actor=root_user, register=tree.a, data=incoming(),
                                    upload=SimpleUploadedFile("a.pdf", PDF_BYTES))  # fmt: skip
    assert stored_files(_media) == []


def test_download_is_scoped_and_never_inline(client, tree, people, root_user):
    d = documents.document_register(actor=root_user, register=tree.a, data=incoming(),
                                    upload=SimpleUploadedFile("Chỉ thị.pdf", PDF_BYTES))  # fmt: skip
    url = reverse("steering:document_file", args=[d.pk])
    client.force_login(people.secretary_a)
    r = client.get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF_BYTES
    assert r["Content-Disposition"].startswith("attachment;") and r["X-Content-Type-Options"] == "nosniff"
    for outsider in (people.secretary_b, people.member_user, people.nobody):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    plain = documents.document_register(actor=root_user, register=tree.a, data=incoming(number=4))
    client.force_login(people.secretary_a)
    assert client.get(reverse("steering:document_file", args=[plain.pk])).status_code == 404


# --- Search and scope ----------------------------------------------------------------------------------


def test_search_without_diacritics(tree, root_user):
    ct = documents.document_register(actor=root_user, register=tree.a, data=incoming(
        summary="Quán triệt Chỉ thị số 03-CT/TW về học tập và làm theo Bác"))  # fmt: skip
    du = documents.document_issue(actor=root_user, register=tree.a, data=own(summary="Kế hoạch của Đảng ủy"))
    other = documents.document_register(actor=root_user, register=tree.a, data=incoming(
        number=9, doc_type="NQ", summary="Về công tác cán bộ", signer="Trần Văn Khác"))  # fmt: skip
    qs = Document.objects.all()

    def found(q):
        return set(document_selectors.search(qs, q))

    assert found("quan triet chi thi 03") == {ct}
    assert found("CHỈ THỊ quán") == {ct}
    assert found("dang uy") == {du}
    assert found("03-ct/tw") == {ct}
    assert found("09-nq") == {other}
    assert found("tran van khac") == {other}
    assert found("quan triet nghi quyet") == set()
    assert found("") == {ct, du, other}


def test_scope_by_register_and_by_assignment(tree, people, root_user):
    bloc_doc = documents.document_register(actor=root_user, register=tree.bloc, data=incoming())
    a_doc = documents.document_issue(actor=root_user, register=tree.a, data=own())
    b_doc = documents.document_issue(actor=root_user, register=tree.b, data=own())

    def visible(user):
        return set(policies.scope(user, policies.VIEW, Document.objects.all()))

    assert visible(people.staff) == visible(people.leader) == {bloc_doc, a_doc, b_doc}
    assert visible(people.secretary_a) == {a_doc}
    assert visible(people.secretary_b) == {b_doc}
    assert visible(people.cell_secretary) == set()
    assert visible(people.member_user) == visible(people.nobody) == set()
    assert visible(root_user) == {bloc_doc, a_doc, b_doc}
    # The bloc asks organization A to disseminate its directive: A's secretary (and only A's) now sees it.
    TaskFactory(organization=tree.bloc, document=bloc_doc, title="Quán triệt Chỉ thị 03", mode="danh_sach",
                chosen=[tree.a], assigned_date=dt.date(2024, 1, 2), deadline=dt.date(2024, 3, 1))  # fmt: skip
    assert visible(people.secretary_a) == {a_doc, bloc_doc}
    assert visible(people.secretary_b) == {b_doc}
    assert (
        policies.scope(people.secretary_a, policies.VIEW, Document.objects.all())
        .filter(pk=bloc_doc.pk)
        .count()
        == 1
    )  # no duplicates
    # Seeing is not editing: the directive belongs to the bloc's register.
    assert not policies.can(people.secretary_a, policies.CHANGE, bloc_doc)
    with pytest.raises(PermissionDenied):
        documents.document_update(actor=people.secretary_a, document=bloc_doc, data={"summary": "Sửa"})


# --- Corrections ---------------------------------------------------------------------------------------


def test_incoming_correction_keeps_symbols_unique_and_is_audited(tree, root_user):
    d = documents.document_register(actor=root_user, register=tree.a, data=incoming())
    other = documents.document_register(actor=root_user, register=tree.a, data=incoming(number=5))
    with pytest.raises(ApplicationError) as err:
        documents.document_update(actor=root_user, document=other, data={"number": 3})
    assert err.value.field_errors["number"] == DUPLICATE
    d = documents.document_update(actor=root_user, document=d, data={"number": 4, "summary": "Trích yếu mới"})
    d.refresh_from_db()
    assert (d.symbol, d.summary) == ("04-CT/TW", "Trích yếu mới")
    assert "trich yeu moi" in d.search_norm and "so 04-ct/tw" in d.search_norm
    ev = AuditEvent.objects.filter(object_id=str(d.pk), content_type__model="document", action="update").get()
    assert ev.changes["number"]["before"] == "3" and ev.changes["number"]["after"] == "4"


def test_own_document_symbol_cannot_change(tree, root_user):
    d = documents.document_issue(actor=root_user, register=tree.a, data=own())
    for data, field in (({"doc_type": "KH"}, "doc_type"), ({"issuer_code": "ĐUK"}, "issuer_code"),
                        ({"issued_date": dt.date(2020, 7, 31)}, "issued_date")):  # fmt: skip
        with pytest.raises(ApplicationError) as err:
            documents.document_update(actor=root_user, document=d, data=data)
        assert "giữ nguyên số, ký hiệu Số 01-BC/ĐU (nhiệm kỳ 2020–2025)" in err.value.field_errors[field]
    assert err.value.field_errors["issued_date"].endswith(
        "chỉ sửa được ngày trong nhiệm kỳ 2020–2025 (01/08/2020 – 31/07/2025)."
    )
    # A given number is ignored; the date may move within the term, to another year too; the issuer's name may be
    # corrected.
    d = documents.document_update(actor=root_user, document=d, data={
        "number": 9, "issued_date": dt.date(2023, 12, 30), "issuer_name": "Đảng ủy Sở Y tế tỉnh Nghệ An"})  # fmt: skip
    d.refresh_from_db()
    assert (d.symbol, d.issued_date, d.issuer_name, d.year) == (
        "01-BC/ĐU",
        dt.date(2023, 12, 30),
        "Đảng ủy Sở Y tế tỉnh Nghệ An",
        2023,
    )


def test_a_term_recorded_later_does_not_block_corrections_of_what_was_numbered_before(tree, root_user):
    """A number stays in the term it was given in, even if a term recorded afterwards now covers its date."""
    d = documents.document_issue(actor=root_user, register=tree.a, data=own())
    org_services.term_create(
        actor=root_user, organization=tree.a, name="2023–2028", start_date=dt.date(2024, 1, 1)
    )
    d = documents.document_update(actor=root_user, document=d, data={"summary": "Báo cáo đã sửa"})
    assert (d.summary, d.symbol, d.term.name) == ("Báo cáo đã sửa", "01-BC/ĐU", "2020–2025")
    with pytest.raises(ApplicationError) as err:
        documents.document_update(actor=root_user, document=d, data={"issued_date": dt.date(2024, 3, 11)})
    assert err.value.field_errors["issued_date"].endswith(
        "trong nhiệm kỳ 2020–2025 (01/08/2020 – 31/12/2023)."
    )


def test_replacing_the_attachment_removes_the_old_file(
    tree, root_user, _media, django_capture_on_commit_callbacks
):
    d = documents.document_register(actor=root_user, register=tree.a, data=incoming(),
                                    upload=SimpleUploadedFile("cu.pdf", PDF_BYTES))  # fmt: skip
    old = Path(d.attachment.path)
    with django_capture_on_commit_callbacks(execute=True):
        d = documents.document_update(actor=root_user, document=d, data={},
                                      upload=SimpleUploadedFile("moi.docx", docx_bytes()))  # fmt: skip
    assert d.attachment_name == "moi.docx" and not old.exists() and len(stored_files(_media)) == 1
    ev = AuditEvent.objects.filter(object_id=str(d.pk), content_type__model="document", action="update").get()
    assert ev.changes["attachment"] == {"label": "Tệp đính kèm", "before": "cu.pdf", "after": "moi.docx"}
    with django_capture_on_commit_callbacks(execute=True):
        d = documents.document_update(actor=root_user, document=d, data={}, remove_attachment=True)
    assert not d.attachment and d.attachment_name == "" and stored_files(_media) == []


# --- Pages ---------------------------------------------------------------------------------------------


def test_list_filters_search_and_pages(client, tree, people, root_user):
    documents.document_register(actor=root_user, register=tree.a, data=incoming())
    documents.document_issue(actor=root_user, register=tree.a, data=own(summary="Báo cáo của Đảng ủy"))
    for i in range(55):
        documents.document_issue(
            actor=root_user, register=tree.a, data=own(doc_type="CV", summary=f"Công văn {i}")
        )
    client.force_login(people.secretary_a)
    url = reverse("steering:documents")
    r = client.get(url)
    body = r.content.decode()
    assert r.status_code == 200 and "Vào sổ văn bản" in body and "57 văn bản" in body and "Trang sau" in body
    body = client.get(url, {"q": "bao cao cua dang uy"}).content.decode()
    assert "Số 01-BC/ĐU" in body and "Số 03-CT/TW" not in body and "1 văn bản" in body
    assert '<small class="muted">Nhiệm kỳ 2020–2025</small>' in body  # the term the number belongs to
    assert "Chưa cấp được số" not in body
    body = client.get(url, {"loai": "den"}).content.decode()
    assert "Số 03-CT/TW" in body and "Số 01-BC/ĐU" not in body
    body = client.get(url, {"nam": "2011"}).content.decode()
    assert "Số 03-CT/TW" in body and "1 văn bản" in body
    body = client.get(url, {"loai_vb": "CV", "trang": "2"}).content.decode()
    assert "55 văn bản, trang 2/2" in body
    assert client.get(url, {"nam": "abc", "trang": "x"}).status_code == 200
    client.force_login(people.secretary_b)
    body = client.get(url).content.decode()
    assert "03-CT/TW" not in body and "Đảng bộ Sở Y tế" not in body
    client.force_login(people.leader)
    assert "Vào sổ văn bản" not in client.get(url).content.decode()


def test_create_page_incoming_and_own(client, clock, tree, people, _media):
    clock.set(dt.date(2024, 6, 1))
    client.force_login(people.secretary_a)
    url = reverse("steering:document_create")
    r = client.get(url)
    assert r.status_code == 200 and "Chi bộ Văn phòng" in r.content.decode()
    body = client.get(url, {"so": tree.a.pk}).content.decode()
    assert (
        "«ĐU» và «Đảng ủy Sở Y tế»" in body and "trong nhiệm kỳ 2020–2025 (01/08/2020 – 31/07/2025)" in body
    )
    post = {"register": tree.a.pk, "direction": "den", "doc_type": _type("CT"), "number": "3", "issuer_code": "TW",
            "issuer_name": "Ban Chấp hành Trung ương", "issued_date": "14/05/2011", "received_date": "20/05/2011",
            "summary": "Về học tập và làm theo Bác", "signer": ""}  # fmt: skip
    r = client.post(url, {**post, "attachment": SimpleUploadedFile("ct.pdf", PDF_BYTES)})
    d = Document.objects.get()
    assert r.status_code == 302 and r["Location"] == d.get_absolute_url() and d.attachment_name == "ct.pdf"
    # The same symbol again: the form says why, nothing is saved.
    r = client.post(url, post)
    assert r.status_code == 200 and DUPLICATE.removeprefix("Số, ký hiệu: ") in r.content.decode()
    # A fake PDF: refused with the field named.
    r = client.post(url, {**post, "number": "4", "attachment": SimpleUploadedFile("x.pdf", b"<html></html>")})
    assert "Tệp đính kèm: nội dung tệp không phải là tệp PDF thật" in r.content.decode()
    # Own document: no number asked, issuer from the organization, number given on saving.
    r = client.post(url, {"register": tree.a.pk, "direction": "di", "doc_type": _type("NQ"), "issued_date": "02/01/2024",
                          "summary": "Nghị quyết lãnh đạo nhiệm vụ năm 2024", "number": "99"})  # fmt: skip
    own_doc = Document.objects.get(direction="di")
    assert own_doc.symbol == "01-NQ/ĐU"
    r = client.get(r["Location"])
    assert "Đã vào sổ văn bản Số 01-NQ/ĐU" in r.content.decode()
    assert "<dt>Dãy số</dt><dd>Nhiệm kỳ 2020–2025</dd>" in r.content.decode()
    # Bad date and missing summary: each named.
    r = client.post(url, {**post, "number": "5", "issued_date": "31/02/2011", "summary": ""})
    body = r.content.decode()
    assert "Ngày ban hành: ngày không hợp lệ" in body and "Trích yếu: không được để trống." in body
    assert Document.objects.count() == 2
    # Every problem at once: the form's own checks and the register's rules together.
    r = client.post(url, {**post, "number": "5", "summary": "", "received_date": "01/05/2011",
                          "attachment": SimpleUploadedFile("x.exe", b"MZ")})  # fmt: skip
    body = r.content.decode()
    assert "Trích yếu: không được để trống." in body and "Ngày đến: trước ngày ban hành (14/05/2011)." in body
    assert "Tệp đính kèm: chỉ nhận tệp văn bản" in body
    r = client.post(url, {**post, "summary": ""})
    assert DUPLICATE in r.content.decode()
    assert "Số: Số, ký hiệu" not in r.content.decode()
    # Somebody else's register cannot be posted to.
    client.post(url, {**post, "register": tree.b.pk, "number": "6"})
    assert not Document.objects.filter(register=tree.b).exists()
    client.force_login(people.cell_secretary)
    assert client.get(url).status_code == 404


def _type(code):
    from dangbo.steering.models import DocumentType

    return DocumentType.objects.get(code=code).pk


def test_detail_shows_tasks_and_the_assign_button_to_those_who_may_assign(client, tree, people, root_user):
    d = documents.document_register(actor=root_user, register=tree.bloc, data=incoming())
    task = TaskFactory(organization=tree.bloc, document=d, title="Quán triệt Chỉ thị 03", mode="danh_sach",
                       chosen=[tree.a], assigned_date=dt.date(2024, 1, 2), deadline=dt.date(2024, 3, 1))  # fmt: skip
    url = reverse("steering:document", args=[d.pk])
    client.force_login(people.staff)
    body = client.get(url).content.decode()
    assert "Số 03-CT/TW" in body and "Quán triệt Chỉ thị 03" in body and task.get_absolute_url() in body
    assert f"{reverse('steering:task_create')}?van_ban={d.pk}" in body and "Lịch sử thay đổi" in body
    assert reverse("steering:document_edit", args=[d.pk]) in body
    client.force_login(people.secretary_a)
    body = client.get(url).content.decode()
    assert "Quán triệt Chỉ thị 03" in body and "Giao nhiệm vụ theo văn bản này" not in body
    assert reverse("steering:document_edit", args=[d.pk]) not in body
    assert client.get(reverse("steering:document_edit", args=[d.pk])).status_code == 404
    client.force_login(people.secretary_b)
    assert client.get(url).status_code == 404


def test_edit_page(client, tree, people, root_user):
    d = documents.document_issue(actor=root_user, register=tree.a, data=own())
    url = reverse("steering:document_edit", args=[d.pk])
    client.force_login(people.secretary_a)
    body = client.get(url).content.decode()
    assert "Số 01-BC/ĐU" in body and 'name="number"' not in body
    # The disabled type cannot be changed by posting another value.
    r = client.post(url, {"doc_type": _type("KH"), "issuer_code": "X", "issuer_name": "Đảng ủy Sở Y tế",
                          "issued_date": "11/03/2024", "summary": "Báo cáo đã sửa"})  # fmt: skip
    assert r.status_code == 302
    d.refresh_from_db()
    assert (d.symbol, d.summary, d.issued_date) == ("01-BC/ĐU", "Báo cáo đã sửa", dt.date(2024, 3, 11))
    r = client.post(url, {"issuer_name": "Đảng ủy Sở Y tế", "issued_date": "11/03/2019", "summary": "x"})
    assert "chỉ sửa được ngày trong nhiệm kỳ 2020–2025 (01/08/2020 – 31/07/2025)" in r.content.decode()
    client.force_login(people.secretary_b)
    assert client.get(url).status_code == 404


def test_each_issuer_code_of_a_register_has_its_own_series(tree, root_user):
    committee = documents.document_issue(actor=root_user, register=tree.a, data=own())
    board = documents.document_issue(actor=root_user, register=tree.a,
                                     data=own(issuer_code="BTC", issuer_name="Ban Tổ chức Đảng ủy Sở Y tế"))  # fmt: skip
    again = documents.document_issue(actor=root_user, register=tree.a, data=own())
    assert [committee.symbol, board.symbol, again.symbol] == ["01-BC/ĐU", "01-BC/BTC", "02-BC/ĐU"]


def test_a_very_long_query_is_cut_to_a_few_words(client, tree, people):
    documents.document_register(actor=people.staff, register=tree.a, data=incoming())
    client.force_login(people.staff)
    response = client.get(reverse("steering:documents"), {"q": "chi thi " + "x " * 1200})
    assert response.status_code == 200 and "Không có văn bản nào phù hợp." in response.content.decode()
    assert document_selectors.search(Document.objects.all(), "chi thi " + "x " * 1200).count() == 0
    assert document_selectors.search(Document.objects.all(), "03-ct/tw").count() == 1


def test_a_cell_secretary_cannot_correct_the_register_entries_they_cannot_make(client, tree, people):
    d = documents.document_register(actor=people.staff, register=tree.a1, data=incoming())
    client.force_login(people.cell_secretary)
    assert client.get(reverse("steering:document_edit", args=[d.pk])).status_code == 404
    assert client.post(reverse("steering:document_edit", args=[d.pk]), {"summary": "Sửa"}).status_code == 404
    d.refresh_from_db()
    assert d.summary == incoming()["summary"]
    assert not policies.can(people.cell_secretary, policies.CHANGE, d) and policies.can(
        people.secretary_a, policies.CHANGE, d
    )


def test_document_update_refuses_a_stale_version(tree, root_user, people):
    from dangbo.audit.concurrency.services import StaleEdit
    from dangbo.steering.models import Document

    d = documents.document_register(actor=root_user, register=tree.a, data=incoming())
    version = documents.DOCUMENT_VERSION.of(d)
    documents.document_update(actor=root_user, document=d, data={**incoming(), "signer": "Người ký khác"},
                              expected_version=version)  # fmt: skip
    with pytest.raises(StaleEdit) as refused:
        documents.document_update(actor=root_user, document=d, data={**incoming(), "summary": "Trích yếu mới"},
                                  expected_version=version)  # fmt: skip
    assert refused.value.changed == ["signer"] and "Văn bản này đã được" in refused.value.message
    d = Document.objects.get(pk=d.pk)
    assert (d.signer, d.summary) == ("Người ký khác", incoming()["summary"])


def test_a_received_directive_names_the_higher_committee_without_a_link_that_would_404(
    client, tree, people, root_user
):
    """A grassroots secretary sees the bloc committee's directive through the task assigned on it; the bloc's own
    page is not theirs to open, so its name is plain text, not a link to a 404."""
    from dangbo.steering.choices import AssigneeMode, ReportKind
    from dangbo.steering.tasks import services as task_services

    d = documents.document_register(actor=root_user, register=tree.bloc, data=incoming())
    task_services.task_create(actor=people.staff, organization=tree.bloc, data={
        "title": "Học tập Chỉ thị", "report_kind": ReportKind.DISSEMINATION, "assigned_date": dt.date(2024, 3, 1),
        "deadline": dt.date(2024, 4, 30), "mode": AssigneeMode.ALL_GRASSROOTS, "document": d})  # fmt: skip
    bloc_url = tree.bloc.get_absolute_url()
    client.force_login(people.secretary_a)
    assert client.get(bloc_url).status_code == 404
    page = client.get(d.get_absolute_url()).content.decode()
    assert tree.bloc.long_name in page and f'href="{bloc_url}"' not in page
    client.force_login(people.staff)  # the bloc's own staff: the link is there
    assert f'href="{bloc_url}"' in client.get(d.get_absolute_url()).content.decode()
