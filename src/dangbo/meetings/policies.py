"""Who may do what with cell meetings (``dangbo.core.policies``): a meeting, its roll call and its tasks are
judged by what the actor may do at the meeting's organization — read it where they may see the organization
(a plain member: their own cell), plan, hold and record it where they may run its meetings ("place_members").
Grading as the upper level is a question about the organization: ``can(actor, "grade_meetings", organization)``."""

from __future__ import annotations

from dangbo.core.policies import ADD, CHANGE, DELETE, VIEW, ReferencePolicy, register
from dangbo.organizations.policies import WorkPolicy, held_at

from .choices import MeetingState
from .models import Attendance, GradeLevel, Meeting, MeetingTask

RUN = {VIEW: VIEW, ADD: "place_members", CHANGE: "place_members", DELETE: "place_members"}  # work at the cell


@register
class MeetingPolicy(WorkPolicy):
    """``record``: the roll call, the minutes and the plan of a meeting that is not cancelled; ``cancel``: a
    planned one; ``grade``: the cell's own grade of a held one (the upper level's grade is
    ``can(actor, "grade_meetings", organization)``, of a meeting in the same ``grade`` state)."""

    model = Meeting
    rules = held_at(
        "organization", **RUN, record="place_members", cancel="place_members", grade="place_members"
    )
    states = {
        "record": {"state__in": (MeetingState.PLANNED, MeetingState.HELD)},
        "cancel": {"state": MeetingState.PLANNED},
        "grade": {"state": MeetingState.HELD},
    }


@register
class AttendancePolicy(WorkPolicy):
    model = Attendance
    rules = held_at("meeting__organization", **RUN)


@register
class MeetingTaskPolicy(WorkPolicy):
    model = MeetingTask
    rules = held_at("meeting__organization", **RUN)


@register
class GradeLevelPolicy(ReferencePolicy):
    model = GradeLevel
