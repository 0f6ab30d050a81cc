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


def test_a_prepared_statement_takes_an_argument_used_twice_counts_and_knows_an_empty_query(people):
    from django.db.models import Q

    def after(name, pk):  # a keyset position: the name is compared twice
        return (
            Member.objects.filter(Q(name_sort__gte=name) & (Q(name_sort__gt=name) | Q(id__gt=pk)))
            .order_by("name_sort", "id")
            .values_list("pk")
        )

    answers = set()
    for member in (people.m_a1, people.m_b, people.m_a2):
        expected = list(after(member.name_sort, member.pk))
        assert prepared(("test-after",), after, member.name_sort, member.pk) == expected
        answers.add(tuple(expected))
        count = prepared(
            ("test-count",), lambda n, p: after(n, p)[:2], member.name_sort, member.pk, count=True
        )
        assert count == min(2, len(expected)) == after(member.name_sort, member.pk)[:2].count()
    assert (
        len(answers) == 3
    )  # each position its own rows: the arguments were substituted, not the first ones kept

    def some(*ids):
        return Member.objects.filter(pk__in=ids).values_list("pk")

    assert prepared(("test-none", 0), some) == [] and prepared(("test-none", 0), some, count=True) == 0
    assert prepared(("test-some", 1), some, people.m_b.pk) == [(people.m_b.pk,)]


def test_the_statement_cache_keeps_the_most_recently_used_statements_up_to_its_setting(people, settings):
    """A worker's compiled statements stay within ``DANGBO_STATEMENT_CACHE`` (README «Cấu hình»): the one used least
    recently is dropped first, and a dropped statement is compiled again and still answers."""
    from dangbo.core import db

    settings.DANGBO_STATEMENT_CACHE = 2
    db._PREPARED.clear()
    ids = lambda pk: Member.objects.filter(pk=pk).values_list("pk")  # noqa: E731
    for name in ("a", "b"):
        assert prepared(("lru", name), ids, people.m_a1.pk) == [(people.m_a1.pk,)]
    prepared(("lru", "a"), ids, people.m_b.pk)  # "a" used again: "b" is now the oldest
    prepared(("lru", "c"), ids, people.m_b.pk)
    assert len(db._PREPARED) == 2
    assert ("lru", "a") in db._PREPARED and ("lru", "c") in db._PREPARED and ("lru", "b") not in db._PREPARED
    assert prepared(("lru", "b"), ids, people.m_b.pk) == [(people.m_b.pk,)]
    assert len(db._PREPARED) == 2
