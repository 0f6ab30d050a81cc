"""The questions every page, selector and service asks ``core.policies`` besides ``scope`` and ``can``: ``where``
(the typed reach itself), ``anywhere`` (may the actor do it somewhere — from the roles, without a query) and
``require`` (404 unless ``can``). Their answers are the policies' own."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from dangbo.accounts.models import User
from dangbo.core import policies
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from dangbo.steering.models import Task


def test_where_is_the_reach_the_policy_filters_by(tree, people, root_user):
    assert policies.where(root_user, policies.VIEW, Member).everything
    staff = policies.where(people.staff, policies.VIEW, Member)
    assert staff.paths == (tree.bloc.path,) and staff.ids == ()
    own = policies.where(people.member_user, policies.VIEW, Member)
    assert own.paths == () and own.ids == (people.m_a1.pk,)
    assert policies.where(people.nobody, policies.VIEW, Member).nothing
    listed = set(policies.scope(people.member_user, policies.VIEW, Member.objects.all()))
    assert listed == {people.m_a1}


def test_anywhere_answers_from_the_roles_without_a_query(people, root_user):
    with CaptureQueriesContext(connection) as queries:
        answers = {
            name: (policies.anywhere(user, policies.VIEW, User), policies.anywhere(user, "steer", Organization),
                   policies.anywhere(user, "held", Task))
            for name, user in [("root", root_user), ("staff", people.staff), ("cell", people.cell_secretary),
                               ("member", people.member_user), ("nobody", people.nobody)]
        }  # fmt: skip
    assert len(queries) <= 5  # the roles of each user, read once (accounts.selectors.grants)
    assert answers == {
        "root": (True, True, True),  # an administrator: everywhere
        "staff": (True, True, True),  # keeps the bloc's logins, follows and holds its directing work
        "cell": (False, True, True),  # a cell secretary follows what is directed to the cell
        "member": (False, False, False),  # a plain member: their own record only
        "nobody": (False, False, False),
    }


def test_require_is_404_outside_the_scope(tree, people):
    policies.require(people.secretary_a, policies.VIEW, tree.a)
    with pytest.raises(Http404):
        policies.require(people.secretary_b, policies.VIEW, tree.a)
