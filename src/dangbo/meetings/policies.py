"""Who may do what with cell meetings (``dangbo.core.policies``): a meeting, its roll call and its tasks are
judged by what the actor may do at the meeting's organization — read it where they may see the organization
(a plain member: their own cell), plan, hold and record it where they may run its meetings ("place_members").
Grading as the upper level is a question about the organization: ``can(actor, "grade_meetings", organization)``."""

from __future__ import annotations

from dangbo.core.policies import ADD, CHANGE, DELETE, VIEW, ReferencePolicy, register
from dangbo.organizations.policies import WorkPolicy, held_at

from .models import Attendance, GradeLevel, Meeting, MeetingTask

RUN = {VIEW: VIEW, ADD: "place_members", CHANGE: "place_members", DELETE: "place_members"}  # work at the cell


@register
class MeetingPolicy(WorkPolicy):
    model = Meeting
    rules = held_at("organization", **RUN)


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
