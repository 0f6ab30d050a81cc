"""core.db: statements compiled once per process (``prepared``, ``exists_compiled``) answer as the ORM does."""

from dangbo.audit.models import AuditEvent
from dangbo.core.db import exists_compiled, prepared
from dangbo.members.models import Member, MemberEvent


def test_a_prepared_statement_reads_the_rows_of_each_argument_as_the_orm_does(people):
    def events(pk):
        return MemberEvent.objects.filter(member_id=pk).order_by("-date", "-id")

    def values(pk):
        return events(pk).values_list("pk", "kind", "date", "organization__name")

    for member in (people.m_a1, people.m_a2, people.m_a1):
        assert prepared(("test-values",), values, member.pk) == list(values(member.pk))
        rows = prepared(("test-models",), events, member.pk)
        assert [(e.pk, e.kind, e.date, e.member_id) for e in rows] == [
            (e.pk, e.kind, e.date, e.member_id) for e in events(member.pk)]  # fmt: skip
        assert rows and all(not e._state.adding for e in rows)

    def by_object(object_id):  # a string argument; JSON and date-time columns through their converters
        return AuditEvent.objects.filter(object_id=object_id).order_by("-id")

    for member in (people.m_a1, people.m_b):
        got = prepared(("test-audit",), by_object, str(member.pk))
        assert [(e.pk, e.time, e.changes) for e in got] == [
            (e.pk, e.time, e.changes) for e in by_object(str(member.pk))
        ]

    # An argument the ORM transforms (here: a LIKE pattern) is not substituted: the ORM answers each time.
    def named(prefix):
        return Member.objects.filter(full_name__startswith=prefix).values_list("pk")

    assert prepared(("test-like",), named, "Nguyễn") == list(named("Nguyễn"))
    assert prepared(("test-like",), named, "Lê") == list(named("Lê"))


def test_exists_compiled_answers_for_its_key(people):
    assert exists_compiled(Member, ("t", people.m_a1.pk), lambda: Member.objects.filter(pk=people.m_a1.pk))
    assert not exists_compiled(Member, ("t", -1), lambda: Member.objects.filter(pk=-1))
    assert not exists_compiled(Member, ("t-none",), lambda: Member.objects.none())

    def renamed():
        return Member.objects.filter(full_name="Nguyễn Văn Đổi")

    assert not exists_compiled(Member, ("t-name",), renamed)
    Member.objects.filter(pk=people.m_a1.pk).update(
        full_name="Nguyễn Văn Đổi"
    )  # the stored statement runs again
    assert exists_compiled(Member, ("t-name",), renamed)
