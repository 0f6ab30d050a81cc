"""Who may do what with member records (``dangbo.core.policies``): a role covers the members whose cell lies in
its subtree (``org_path``); a plain member sees their own record only."""

from __future__ import annotations

from django.db.models import QuerySet

from dangbo.accounts import policies as access
from dangbo.core.policies import ADD, CHANGE, DELETE, VIEW, Reach, in_state, register
from dangbo.organizations.policies import work_reach

from .choices import TransferKind, TransferState
from .models import Candidate, Member, MemberEvent, MemberPeriod, Transfer


@register
class MemberPolicy(access.TreePolicy):
    """``scope(…, large=True)``: the caller lists a large scope in name order, so the subtree predicate is written
    not to lead the plan (same rows, different plan — see core.db.NoIndex)."""

    model = Member
    area = access.MEMBER
    path_fields = ("org_path",)
    id_field = "pk"

    def scope(self, actor, action: str, queryset: QuerySet, *, large: bool = False, **options) -> QuerySet:
        use_index = not large and options.get("use_index", True)
        return self.reach(actor, action).filter(queryset, "org_path", "pk", use_index=use_index)


@register
class MemberEventPolicy(access.TreePolicy):
    """An event of a member's history: with the member (where the member stands now)."""

    model = MemberEvent
    area = access.MEMBER
    path_fields = ("member__org_path",)
    id_field = "member_id"


@register
class MemberPeriodPolicy(access.TreePolicy):
    """A roll period: with the member — and with the organization where it was (``org_path`` of that time), so the
    figures of a subtree on a past date count the members who have left it."""

    model = MemberPeriod
    area = access.MEMBER
    path_fields = ("org_path", "member__org_path")
    id_field = "member_id"


@register
class CandidatePolicy(access.TreePolicy):
    """People on the way to admission, followed by the cells where the actor keeps member records; a plain
    member's role covers only their own record, never their cell's candidates."""

    model = Candidate
    area = access.MEMBER
    path_fields = ("organization__path",)
    own = False


@register
class TransferPolicy(access.TreePolicy):
    """A transfer is seen by both sides: with its member (a plain member sees their own), by the sending
    organization (also once the member has left it) and by the receiving one. ``receive``: addressed to an
    organization where the actor may place members, while the letter is under way; ``confirm_external``: the
    receiving side's slip of a letter out of the deployment, recorded by the sending side. ``cancel`` (a letter not yet received) and ``come_back`` (the
    end of a temporary transfer under way): the sending side, those who may change the member's record."""

    model = Transfer
    actions = frozenset({VIEW, ADD, CHANGE, DELETE, "receive", "confirm_external", "cancel", "come_back"})
    states = {
        # a letter under way to an organization of the deployment (an internal move is received at once)
        "receive": {"state": TransferState.SENT, "to_organization_id__isnull": False,
                    "kind__in": (TransferKind.OFFICIAL, TransferKind.TEMPORARY, TransferKind.ABROAD)},
        # a letter under way out of the deployment: the sending side records the receiving side's slip
        "confirm_external": {"state": TransferState.SENT, "kind__in": (TransferKind.OFFICIAL, TransferKind.ABROAD)},
        "cancel": {"state": TransferState.SENT},
        "come_back": {"kind": TransferKind.TEMPORARY, "ended_date__isnull": True,
                      "state__in": (TransferState.SENT, TransferState.RECEIVED)},
    }  # fmt: skip
    SENDING_SIDE = frozenset({"confirm_external", "cancel", "come_back"})
    area = access.MEMBER
    path_fields = ("member__org_path",)
    # The home page's narrowed reads (``core.policies.narrowed``): a transfer belongs to the parts of both sides —
    # the receiving organization's reminders read it through ``receive``, whose rows lie at ``to_organization``.
    piece_fields = ("member__org_path", "from_organization__path", "to_organization__path")
    id_field = "member_id"

    def _sides(self, actor, action: str) -> tuple[Reach, Reach]:
        members = self.reach(actor, action)
        organizations = (
            access.reach(actor, access.ORGANIZATION, VIEW, own=False) if action == VIEW else members
        )
        return members, organizations

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        if action == "confirm_external":
            queryset = queryset.exclude(to_external="")
        if action in self.SENDING_SIDE:
            return self.reach(actor, CHANGE).filter(
                self.in_states(action, queryset), "member__org_path", "member_id"
            )
        if action == "receive":
            # (a transfer out of the system — abroad, another province — is received by nobody here)
            return work_reach(actor, "place_members").filter(
                self.in_states(action, queryset), "to_organization__path"
            )
        members, organizations = self._sides(actor, action)
        if members.everything:
            return queryset
        parts = [q for q in (members.q("member__org_path", "member_id"),
                             organizations.q(("from_organization__path", "to_organization__path"))) if q is not None]  # fmt: skip
        if not parts:
            return queryset.none()
        q = parts[0] if len(parts) == 1 else parts[0] | parts[1]
        return queryset.filter(q)

    def can(self, actor, action: str, obj: Transfer) -> bool:
        if action == "confirm_external" and not obj.to_external:
            return False
        if action in self.SENDING_SIDE:
            return in_state(action, obj) and self.reach(actor, CHANGE).covers(
                obj.member.org_path, obj.member_id
            )
        if action == "receive":
            return in_state(action, obj) and work_reach(actor, "place_members").covers(
                obj.to_organization.path
            )
        members, organizations = self._sides(actor, action)
        if members.covers(obj.member.org_path, obj.member_id):
            return True
        return any(
            organizations.covers(o.path)
            for o in (obj.from_organization, obj.to_organization)
            if o is not None
        )
