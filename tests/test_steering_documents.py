"""The document register: incoming and own documents, symbols once a year, automatic numbering under
concurrent use, checked attachments, accent-free search, scope, and the pages."""

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
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.steering import documents
from dangbo.steering.choices import Direction
from dangbo.steering.models import Assignment, Document, DocumentCounter, Task

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


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


def test_same_symbol_twice_in_a_year_is_refused(tree, root_user):
    documents.document_register(actor=root_user, register=tree.a, data=incoming())
    with pytest.raises(ApplicationError) as err:
        documents.document_register(actor=root_user, register=tree.a, data=incoming(summary="Nhập lại"))
    assert err.value.field_errors["number"] == "Số, ký hiệu: văn bản Số 03-CT/TW năm 2011 đã có trong sổ."
    assert Document.objects.count() == 1
    # Another year, another register, another issuer: a different entry.
    documents.document_register(
        actor=root_user, register=tree.a, data=incoming(issued_date=dt.date(2012, 1, 5), received_date=None)
    )
    documents.document_register(actor=root_user, register=tree.b, data=incoming())
    documents.document_register(
        actor=root_user, register=tree.a, data=incoming(issuer_code="TU", issuer_name="Tỉnh ủy Nghệ An")
    )
    assert Document.objects.count() == 4


def test_database_constraint_backs_the_check(tree, root_user, monkeypatch):
    """Two clerks saving the same symbol at the same moment: both pass the check, the constraint refuses one."""
    documents.document_register(actor=root_user, register=tree.a, data=incoming())
    monkeypatch.setattr(documents, "_clashes", lambda doc: False)
    with pytest.raises(ApplicationError) as err:
        documents.document_register(actor=root_user, register=tree.a, data=incoming(summary="Lần hai"))
    assert err.value.field_errors["number"] == "Số, ký hiệu: văn bản Số 03-CT/TW năm 2011 đã có trong sổ."
    assert Document.objects.count() == 1


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


def test_own_documents_are_numbered_per_type_and_year(tree, root_user):
    first = documents.document_issue(actor=root_user, register=tree.a, data=own())
    second = documents.document_issue(
        actor=root_user, register=tree.a, data=own(issued_date=dt.date(2024, 4, 1))
    )
    plan = documents.document_issue(actor=root_user, register=tree.a, data=own(doc_type="KH"))
    next_year = documents.document_issue(
        actor=root_user, register=tree.a, data=own(issued_date=dt.date(2025, 1, 3))
    )
    other_org = documents.document_issue(actor=root_user, register=tree.b, data=own())
    assert [first.symbol, second.symbol, plan.symbol, next_year.symbol] == [
        "01-BC/ĐU",
        "02-BC/ĐU",
        "01-KH/ĐU",
        "01-BC/ĐU",
    ]
    assert (first.issuer_name, first.direction, first.received_date) == (
        "Đảng ủy Sở Y tế",
        Direction.OWN,
        None,
    )
    assert (other_org.symbol, other_org.issuer_name) == ("01-BC/CB", "Chi bộ Sở Tư pháp")
    assert DocumentCounter.objects.get(organization=tree.a, type_code="BC", issuer_code="ĐU", year=2024).last == 2


def test_own_document_ignores_a_given_number_and_keeps_chosen_issuer(tree, root_user):
    d = documents.document_issue(actor=root_user, register=tree.bloc,
                                 data=own(number=77, issuer_code="ĐUK", issuer_name="Đảng ủy Khối các cơ quan tỉnh"))  # fmt: skip
    assert d.symbol == "01-BC/ĐUK"
    assert documents.suggested_issuer(tree.province) == ("TU", "Tỉnh ủy Nghệ An")
    assert documents.suggested_issuer(tree.bloc) == ("ĐU", "Đảng ủy Khối các cơ quan tỉnh")
    assert documents.suggested_issuer(tree.a1)[0] == "CB"


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
    assert (d.symbol, d.year) == ("01-NQ/TU", 2011)


def test_only_committees_with_the_right_may_register(tree, people):
    for user in (people.secretary_b, people.leader, people.cell_secretary, people.member_user, people.nobody):
        with pytest.raises(PermissionDenied):
            documents.document_register(actor=user, register=tree.a, data=incoming())
    d = documents.document_register(actor=people.secretary_a, register=tree.a, data=incoming())
    assert documents.document_issue(actor=people.staff, register=tree.a1, data=own()).register == tree.a1
    assert d.register == tree.a
    assert {o.pk for o in documents.register_choices(people.secretary_a)} == {
        tree.a.pk,
        tree.a1.pk,
        tree.a2.pk,
    }
    assert documents.register_choices(people.cell_secretary) == []


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
    """The counter alone (without the document's check against existing symbols)."""

    def call(i):
        with transaction.atomic():
            return documents.next_number(register, "BC", 2024, documents.suggested_issuer(register)[0])

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
    sys.path.insert(0, sys.argv[2])
    from test_steering_documents import _allocate, _concurrently, _issue
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
        return set(documents.search(qs, q))

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
        return set(documents.document_scope(user))

    assert visible(people.staff) == visible(people.leader) == {bloc_doc, a_doc, b_doc}
    assert visible(people.secretary_a) == {a_doc}
    assert visible(people.secretary_b) == {b_doc}
    assert visible(people.cell_secretary) == set()
    assert visible(people.member_user) == visible(people.nobody) == set()
    assert visible(root_user) == {bloc_doc, a_doc, b_doc}
    # The bloc asks organization A to disseminate its directive: A's secretary (and only A's) now sees it.
    # (Tasks are made directly here: their services are tested in the tasks' own test module.)
    task = Task.objects.create(organization=tree.bloc, document=bloc_doc, title="Quán triệt Chỉ thị 03",
                               report_kind="quan_triet", assigned_date=dt.date(2024, 1, 2), deadline=dt.date(2024, 3, 1))  # fmt: skip
    Assignment.objects.create(task=task, organization=tree.a)
    assert visible(people.secretary_a) == {a_doc, bloc_doc}
    assert visible(people.secretary_b) == {b_doc}
    assert documents.document_scope(people.secretary_a).filter(pk=bloc_doc.pk).count() == 1  # no duplicates
    # Seeing is not editing: the directive belongs to the bloc's register.
    assert not documents.can_edit(people.secretary_a, bloc_doc)
    with pytest.raises(PermissionDenied):
        documents.document_update(actor=people.secretary_a, document=bloc_doc, data={"summary": "Sửa"})


# --- Corrections ---------------------------------------------------------------------------------------


def test_incoming_correction_keeps_symbols_unique_and_is_audited(tree, root_user):
    d = documents.document_register(actor=root_user, register=tree.a, data=incoming())
    other = documents.document_register(actor=root_user, register=tree.a, data=incoming(number=5))
    with pytest.raises(ApplicationError) as err:
        documents.document_update(actor=root_user, document=other, data={"number": 3})
    assert err.value.field_errors["number"] == "Số, ký hiệu: văn bản Số 03-CT/TW năm 2011 đã có trong sổ."
    d = documents.document_update(actor=root_user, document=d, data={"number": 4, "summary": "Trích yếu mới"})
    d.refresh_from_db()
    assert (d.symbol, d.summary) == ("04-CT/TW", "Trích yếu mới")
    assert "trich yeu moi" in d.search_norm and "so 04-ct/tw" in d.search_norm
    ev = AuditEvent.objects.filter(object_id=str(d.pk), content_type__model="document", action="update").get()
    assert ev.changes["number"]["before"] == "3" and ev.changes["number"]["after"] == "4"


def test_own_document_symbol_cannot_change(tree, root_user):
    d = documents.document_issue(actor=root_user, register=tree.a, data=own())
    for data, field in (({"doc_type": "KH"}, "doc_type"), ({"issuer_code": "ĐUK"}, "issuer_code"),
                        ({"issued_date": dt.date(2023, 12, 30)}, "issued_date")):  # fmt: skip
        with pytest.raises(ApplicationError) as err:
            documents.document_update(actor=root_user, document=d, data=data)
        assert "giữ nguyên số, ký hiệu Số 01-BC/ĐU năm 2024" in err.value.field_errors[field]
    # A given number is ignored; the date may move within the year; the issuer's name may be corrected.
    d = documents.document_update(actor=root_user, document=d, data={
        "number": 9, "issued_date": dt.date(2024, 3, 12), "issuer_name": "Đảng ủy Sở Y tế tỉnh Nghệ An"})  # fmt: skip
    d.refresh_from_db()
    assert (d.symbol, d.issued_date, d.issuer_name) == (
        "01-BC/ĐU",
        dt.date(2024, 3, 12),
        "Đảng ủy Sở Y tế tỉnh Nghệ An",
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
    ev = AuditEvent.objects.filter(object_id=str(d.pk), action="update").get()
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


def test_create_page_incoming_and_own(client, tree, people, _media):
    client.force_login(people.secretary_a)
    url = reverse("steering:document_create")
    r = client.get(url)
    assert r.status_code == 200 and "Chi bộ Văn phòng" in r.content.decode()
    body = client.get(url, {"so": tree.a.pk}).content.decode()
    assert "«ĐU» và «Đảng ủy Sở Y tế»" in body
    post = {"register": tree.a.pk, "direction": "den", "doc_type": _type("CT"), "number": "3", "issuer_code": "TW",
            "issuer_name": "Ban Chấp hành Trung ương", "issued_date": "14/05/2011", "received_date": "20/05/2011",
            "summary": "Về học tập và làm theo Bác", "signer": ""}  # fmt: skip
    r = client.post(url, {**post, "attachment": SimpleUploadedFile("ct.pdf", PDF_BYTES)})
    d = Document.objects.get()
    assert r.status_code == 302 and r["Location"] == d.get_absolute_url() and d.attachment_name == "ct.pdf"
    # The same symbol again: the form says why, nothing is saved.
    r = client.post(url, post)
    assert r.status_code == 200 and "văn bản Số 03-CT/TW năm 2011 đã có trong sổ" in r.content.decode()
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
    assert "Số, ký hiệu: văn bản Số 03-CT/TW năm 2011 đã có trong sổ." in r.content.decode()
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
    task = Task.objects.create(organization=tree.bloc, document=d, title="Quán triệt Chỉ thị 03",
                               report_kind="quan_triet", assigned_date=dt.date(2024, 1, 2), deadline=dt.date(2024, 3, 1))  # fmt: skip
    Assignment.objects.create(task=task, organization=tree.a)
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
    r = client.post(url, {"issuer_name": "Đảng ủy Sở Y tế", "issued_date": "11/03/2023", "summary": "x"})
    assert "chỉ sửa được ngày trong năm 2024" in r.content.decode()
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
    assert documents.search(Document.objects.all(), "chi thi " + "x " * 1200).count() == 0
    assert documents.search(Document.objects.all(), "03-ct/tw").count() == 1


def test_a_cell_secretary_cannot_correct_the_register_entries_they_cannot_make(client, tree, people):
    d = documents.document_register(actor=people.staff, register=tree.a1, data=incoming())
    client.force_login(people.cell_secretary)
    assert client.get(reverse("steering:document_edit", args=[d.pk])).status_code == 404
    assert client.post(reverse("steering:document_edit", args=[d.pk]), {"summary": "Sửa"}).status_code == 404
    d.refresh_from_db()
    assert d.summary == incoming()["summary"]
    assert not documents.can_edit(people.cell_secretary, d) and documents.can_edit(people.secretary_a, d)
