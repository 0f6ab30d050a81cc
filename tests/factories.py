"""Test data through the services (factory-boy): a factory builds the ``data`` a user would type and hands it to
the service that owns the rule, so a test's rows are rows the application could have written. Attributes are
overridden as usual (``TaskFactory(organization=tree.a, deadline=…)``); ``actor`` defaults to a system
administrator (``administrator()``).

Rows that no service writes (reference data, states a test must force) are what ``objects.create`` is for in
tests; the older tests that still build rows by hand move here as they are touched.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from dangbo.accounts.models import User


def administrator() -> User:
    return User.objects.filter(username="factory-root").first() or User.objects.create_superuser(
        "factory-root", password="x-Factory-Root-2026"
    )


class ServiceFactory(factory.Factory):
    """A factory whose ``_create`` hands the attributes, as typed data, to the service that owns the rules."""

    class Meta:
        abstract = True


class OrganizationFactory(ServiceFactory):
    class Meta:
        model = "organizations.Organization"

    parent = None
    name = factory.Sequence(lambda n: f"Chi bộ Phòng {n + 1}")
    code = factory.Sequence(lambda n: f"CB{n + 1:03d}")
    kind = "chi_bo_co_so"

    @classmethod
    def _create(cls, model_class, *args, actor=None, parent=None, **data):
        from dangbo.organizations import services

        return services.organization_create(actor=actor or administrator(), parent=parent, data=data)


class MemberFactory(ServiceFactory):
    """A member on ``organization``'s roll since ``since`` (the "nhập hồ sơ" event), official since 2006."""

    class Meta:
        model = "members.Member"

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Hùng {n + 1}")
    gender = "nam"
    birth_date = dt.date(1980, 5, 17)
    ethnicity = "Kinh"
    religion = "Không"
    status = "chinh_thuc"
    joined_date = dt.date(2005, 3, 2)
    official_date = dt.date(2006, 3, 2)
    citizen_id = factory.Sequence(lambda n: f"040081{n:06d}")
    general_education = "12/12"
    political_theory = "trung_cap"

    @classmethod
    def _create(cls, model_class, *args, actor=None, since=dt.date(2015, 1, 1), **data):
        from dangbo.members import services

        return services.member_create(actor=actor or administrator(), data=data, since=since)


class TermFactory(ServiceFactory):
    """A committee term of ``organization`` (``organizations.services.term_create``: one name and one start date per
    organization, the congress inside the term)."""

    class Meta:
        model = "organizations.Term"

    name = "2020–2025"
    start_date = dt.date(2020, 8, 1)

    @classmethod
    def _create(cls, model_class, *args, actor=None, organization=None, **data):
        from dangbo.organizations import services

        return services.term_create(actor=actor or administrator(), organization=organization, **data)


class SeatFactory(ServiceFactory):
    """A member's seat in a committee term (``organizations.services.seat_create``: the member sits in the
    organization, once per term)."""

    class Meta:
        model = "organizations.CommitteeSeat"

    position = "uy_vien_bch"

    @classmethod
    def _create(cls, model_class, *args, actor=None, term=None, member=None, **data):
        from dangbo.organizations import services

        return services.seat_create(actor=actor or administrator(), term=term, member=member, **data)


class DocumentFactory(ServiceFactory):
    """An incoming document entered in ``register``'s book."""

    class Meta:
        model = "steering.Document"

    doc_type = "NQ"
    number = factory.Sequence(lambda n: n + 1)
    issuer_code = "ĐU"
    issuer_name = "Đảng ủy cấp trên"
    issued_date = dt.date(2024, 2, 1)
    received_date = dt.date(2024, 2, 3)
    summary = factory.Sequence(lambda n: f"Nghị quyết số {n + 1}")

    @classmethod
    def _create(cls, model_class, *args, actor=None, register=None, **data):
        from dangbo.steering.documents import services as documents

        return documents.document_register(actor=actor or administrator(), register=register, data=data)


class TaskFactory(ServiceFactory):
    """A task of ``organization``'s committee, assigned to every grassroots organization under it (or, with
    ``mode="danh_sach"``, to the organizations ``chosen``)."""

    class Meta:
        model = "steering.Task"

    title = factory.Sequence(lambda n: f"Quán triệt nghị quyết {n + 1}")
    report_kind = "quan_triet"
    assigned_date = dt.date(2024, 3, 1)
    deadline = dt.date(2024, 4, 1)
    mode = "tat_ca_co_so"

    @classmethod
    def _create(cls, model_class, *args, actor=None, organization=None, chosen=(), under=None, **data):
        from dangbo.steering.tasks import services as tasks

        return tasks.task_create(
            actor=actor or administrator(), organization=organization, data=data, chosen=chosen, under=under
        )


class TargetFactory(ServiceFactory):
    class Meta:
        model = "steering.Target"

    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Kết nạp đảng viên mới (chỉ tiêu {n + 1})")
    unit = "dang_vien"
    measure = "cong_don"
    goal = 10

    @classmethod
    def _create(cls, model_class, *args, actor=None, term=None, **data):
        from dangbo.steering.targets import services as targets

        return targets.target_save(actor=actor or administrator(), term=term, data=data)


class ProgrammeFactory(ServiceFactory):
    class Meta:
        model = "steering.Programme"

    name = factory.Sequence(lambda n: f"Chương trình giúp xã {n + 1}")
    start_date = dt.date(2024, 1, 1)

    @classmethod
    def _create(cls, model_class, *args, actor=None, organization=None, **data):
        from dangbo.steering.support import services as support

        return support.programme_save(actor=actor or administrator(), organization=organization, data=data)


def _commune_of_the_era(day: dt.date):
    """A commune of the administrative map in force on ``day`` (before or from 01/07/2025)."""
    from dangbo.steering.models import Commune
    from dangbo.steering.support.selectors import era_on

    return Commune.objects.filter(era=era_on(day)).order_by("pk").first()


class ContributionFactory(ServiceFactory):
    class Meta:
        model = "steering.Contribution"

    date = dt.date(2024, 2, 1)
    kind = "tien"
    value = 5_000_000
    commune = factory.LazyAttribute(lambda o: _commune_of_the_era(o.date))

    @classmethod
    def _create(cls, model_class, *args, actor=None, programme=None, **data):
        from dangbo.steering.support import services as support

        return support.contribution_add(actor=actor or administrator(), programme=programme, data=data)


class MeetingFactory(ServiceFactory):
    """A regular meeting planned by ``organization``'s cell (one a month: pass ``planned_at`` beyond 12)."""

    class Meta:
        model = "meetings.Meeting"

    kind = "thuong_ky"
    planned_at = factory.Sequence(lambda n: timezone.make_aware(dt.datetime(2024, 1 + n % 12, 5, 14)))
    place = "Hội trường"

    @classmethod
    def _create(cls, model_class, *args, actor=None, organization=None, **data):
        from dangbo.meetings import services

        return services.meeting_plan(actor=actor or administrator(), organization=organization, data=data)
