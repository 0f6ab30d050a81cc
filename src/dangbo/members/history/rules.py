"""A member's history: the events are the source of truth; state and roll periods are derived by ``replay``.

``replay`` is a pure function (events in, state and periods out) so the services, the bulk loaders and the
tests all derive history the same way. It refuses a history that contradicts itself — official recognition
of someone who was never probationary, a transfer of a deceased member, anything before the member entered
the Party, a cell that did not exist on the date — with a Vietnamese message naming the event.

Periods are split where the cell's path changes (an ancestor moved in a restructuring), so every period has
one ``org_path``: see ``MemberPeriod``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from dangbo.core.errors import ApplicationError
from dangbo.core.formats import ngay

from ..choices import DisciplineForm, EventKind, MemberStatus
from ..rules import add_months, decision_rules_on, rules_on

K = EventKind
S = MemberStatus
PARTY = (S.PROBATIONARY, S.OFFICIAL)
# Statuses a member leaves the roll with, by the event that ends membership.
LEAVING = {K.REMOVAL: S.REMOVED, K.EXPULSION: S.EXPELLED, K.RESIGNATION: S.RESIGNED, K.DEATH: S.DECEASED}
# Events that bring a person onto a roll for the first time.
OPENING = (K.ENROLL, K.ADMISSION, K.TRANSFER_IN)


@dataclass
class State:
    status: str | None = None  # MemberStatus; None before the first event
    party_status: str | None = None  # du_bi / chinh_thuc held, kept while in transit or out
    organization_id: int | None = None  # the cell on whose roll the member stands (or last stood)
    on_roll: bool = False
    exempted: bool = False
    temporary_out: bool = False
    admission: object | None = None  # the admission event (for probation deadlines)
    ceremony_date: dt.date | None = None
    official_date: dt.date | None = None
    probationary_since: dt.date | None = (
        None  # the day the record made the member probationary (entry, readmission)
    )


@dataclass
class Period:
    organization_id: int
    org_path: str
    status: str
    exempted: bool
    valid_from: dt.date
    valid_to: dt.date | None = None
    start_kind: str = ""
    end_kind: str = ""

    def key(self) -> tuple:
        return (self.organization_id, self.org_path, self.status, self.exempted, self.valid_from, self.valid_to,
                self.start_kind, self.end_kind)  # fmt: skip


@dataclass
class Result:
    state: State
    periods: list[Period] = field(default_factory=list)


class HistoryError(ApplicationError):
    pass


# (valid_from or None, valid_to or None, path) of a cell, sorted; see OrganizationLink.
LinkPeriods = Callable[[int], Sequence[tuple[dt.date | None, dt.date | None, str]]]


def _refuse(event, reason: str) -> HistoryError:
    label = EventKind(event.kind).label
    return HistoryError(
        f"Sự kiện «{label}» ngày {ngay(event.date)} không hợp lệ: {reason}",
        field_errors={"kind": f"Sự kiện: {reason}"},
    )


def replay(
    events: Iterable, *, official_date: dt.date | None = None, links: LinkPeriods | None = None
) -> Result:
    """Derive state and roll periods from ``events`` (objects with kind, date, organization_id,
    discipline_form; sorted by date then entry order). ``official_date`` is the member's official date from
    the record, used by a "nhập hồ sơ"/"tiếp nhận" event to know whether the member arrives official.
    ``links(org_id)`` gives a cell's path periods; without it, periods are not split and carry no path."""
    st = State()
    rolls: list[list] = []  # [org_id, status, exempted, from, to, start_kind, end_kind]

    def open_roll(ev, kind=None):
        rolls.append([st.organization_id, st.status, st.exempted, ev.date, None, kind or ev.kind, ""])

    def close_roll(ev) -> str | None:
        """Close the open stretch on the event's date; a stretch opened the same day is dropped and its
        opening kind returned, so the stretch that replaces it keeps how the member arrived."""
        if rolls and rolls[-1][4] is None:
            if rolls[-1][3] == ev.date:
                popped = rolls.pop()
                if (
                    rolls and rolls[-1][4] == ev.date
                ):  # the stretch before ends today: this event describes it
                    rolls[-1][6] = ev.kind
                    return ev.kind
                return popped[5]
            rolls[-1][4] = ev.date
            rolls[-1][6] = ev.kind
        return None

    def change(ev):
        open_roll(ev, close_roll(ev))

    last_date = None
    for ev in events:
        kind = ev.kind
        if last_date and ev.date < last_date:
            raise _refuse(ev, "các sự kiện phải theo thứ tự ngày.")
        last_date = ev.date
        if st.status is None and kind not in OPENING:
            raise _refuse(
                ev, "trước đó người này chưa là đảng viên (chưa có sự kiện kết nạp hoặc nhập hồ sơ)."
            )
        if st.status == S.DECEASED:
            raise _refuse(ev, "đảng viên đã từ trần trước ngày này.")
        if kind in (K.ENROLL, K.ADMISSION):
            if st.status is not None:
                raise _refuse(
                    ev, "người này đã là đảng viên; chỉ có thể kết nạp lại hoặc khôi phục đảng tịch."
                )
            _need_org(ev)
            official = kind == K.ENROLL and official_date is not None and official_date <= ev.date
            st.party_status = S.OFFICIAL if official else S.PROBATIONARY
            st.probationary_since = None if official else ev.date
            st.status, st.organization_id, st.on_roll = st.party_status, ev.organization_id, True
            if kind == K.ADMISSION:
                st.admission = ev
            open_roll(ev)
        elif kind == K.CEREMONY:
            if st.admission is None or st.party_status != S.PROBATIONARY:
                raise _refuse(ev, "lễ kết nạp chỉ tổ chức cho đảng viên dự bị sau quyết định kết nạp.")
            if st.ceremony_date:
                raise _refuse(ev, "đã có lễ kết nạp.")
            st.ceremony_date = ev.date
        elif kind == K.OFFICIAL:
            if st.party_status != S.PROBATIONARY or st.status not in PARTY:
                raise _refuse(ev, "chỉ công nhận chính thức cho đảng viên dự bị đang sinh hoạt.")
            if st.probationary_since and ev.date <= st.probationary_since:
                # Recognised the day the record made them probationary: on the next replay the member's official
                # date would make that entry official, and this recognition impossible.
                raise _refuse(
                    ev, f"phải sau ngày bắt đầu dự bị ghi trong hồ sơ ({ngay(st.probationary_since)})."
                )
            if st.admission is not None:
                # Admitted here: the full probation (rules.py) from the ceremony — at the earliest from the
                # admission decision when the ceremony was not recorded.
                start = st.ceremony_date or st.admission.date
                months = rules_on(start).probation_months
                end = add_months(start, months)
                if ev.date < end:
                    raise _refuse(ev, f"chưa hết {months} tháng dự bị (hết ngày {ngay(end)}).")
            st.party_status = st.status = S.OFFICIAL
            st.official_date = ev.date
            change(ev)
        elif kind == K.TRANSFER_OUT:
            if not st.on_roll:
                raise _refuse(ev, "đảng viên không đang sinh hoạt ở chi bộ nào.")
            # A letter to a body outside the deployment (another province, the Centre, a party organization
            # abroad: a transfer abroad always is) takes the member off its rolls for good ("đã chuyển đi");
            # inside it the member is in transit until the receiving cell takes them.
            external = bool(getattr(ev, "external", False))
            st.status, st.on_roll = (S.TRANSFERRED_OUT if external else S.IN_TRANSIT), False
            st.temporary_out = False
            close_roll(ev)
        elif kind == K.TRANSFER_IN:
            if st.status is None:
                official = official_date is not None and official_date <= ev.date
                st.party_status = S.OFFICIAL if official else S.PROBATIONARY
                st.probationary_since = None if official else ev.date
            elif st.status not in (S.IN_TRANSIT, S.TRANSFERRED_OUT):
                raise _refuse(ev, "đảng viên không ở trạng thái đang chuyển sinh hoạt.")
            _need_org(ev)
            st.status, st.organization_id, st.on_roll = st.party_status, ev.organization_id, True
            open_roll(ev)
        elif kind in (K.INTERNAL_MOVE, K.RESTRUCTURE_MOVE):
            if not st.on_roll:
                raise _refuse(ev, "đảng viên không đang sinh hoạt ở chi bộ nào.")
            _need_org(ev)
            if ev.organization_id == st.organization_id:
                raise _refuse(ev, "chi bộ mới trùng chi bộ đang sinh hoạt.")
            st.organization_id = ev.organization_id
            change(ev)
        elif kind == K.TEMPORARY_OUT:
            if not st.on_roll or st.temporary_out:
                raise _refuse(
                    ev, "đảng viên không đang sinh hoạt tại chi bộ hoặc đã đang sinh hoạt tạm thời nơi khác."
                )
            st.temporary_out = True
        elif kind == K.TEMPORARY_RETURN:
            if not st.temporary_out:
                raise _refuse(ev, "đảng viên không đang sinh hoạt tạm thời nơi khác.")
            st.temporary_out = False
        elif kind in (K.EXEMPTION, K.EXEMPTION_END):
            if not st.on_roll:
                raise _refuse(ev, "đảng viên không đang sinh hoạt ở chi bộ nào.")
            if st.exempted == (kind == K.EXEMPTION):
                raise _refuse(
                    ev, "đảng viên đã được miễn." if st.exempted else "đảng viên không đang được miễn."
                )
            st.exempted = kind == K.EXEMPTION
            change(ev)
        elif kind == K.DISCIPLINE:
            if st.status not in (*PARTY, S.IN_TRANSIT):
                raise _refuse(ev, "người này không còn là đảng viên.")
            allowed = decision_rules_on(ev.date).forms_for(st.party_status)
            if ev.discipline_form == DisciplineForm.EXPULSION:
                raise _refuse(ev, "khai trừ được ghi bằng sự kiện «Khai trừ».")
            if ev.discipline_form not in allowed:
                kind_label = "dự bị" if st.party_status == S.PROBATIONARY else "chính thức"
                forms = ", ".join(DisciplineForm(f).label.lower() for f in allowed)
                raise _refuse(ev, f"đảng viên {kind_label} chỉ có thể bị {forms}.")
        elif kind in LEAVING:
            if st.status not in (*PARTY, S.IN_TRANSIT):
                raise _refuse(ev, "người này không còn là đảng viên.")
            if kind == K.EXPULSION and DisciplineForm.EXPULSION not in decision_rules_on(ev.date).forms_for(
                st.party_status
            ):
                raise _refuse(ev, "đảng viên dự bị chỉ có thể bị khiển trách hoặc cảnh cáo, không khai trừ.")
            st.status, st.on_roll, st.exempted, st.temporary_out = LEAVING[kind], False, False, False
            close_roll(ev)
        elif kind == K.READMISSION:
            if st.status not in (S.REMOVED, S.RESIGNED):
                raise _refuse(ev, "chỉ kết nạp lại người đã bị xóa tên hoặc đã xin ra khỏi Đảng.")
            _need_org(ev)
            st.party_status = st.status = S.PROBATIONARY
            st.organization_id, st.on_roll = ev.organization_id, True
            st.admission, st.ceremony_date, st.official_date = ev, None, None
            st.probationary_since = ev.date
            open_roll(ev)
        elif kind == K.RESTORATION:
            if st.status not in (S.REMOVED, S.EXPELLED):
                raise _refuse(ev, "chỉ khôi phục đảng tịch cho người đã bị xóa tên hoặc khai trừ.")
            st.organization_id = ev.organization_id or st.organization_id
            st.status, st.on_roll = st.party_status, True
            open_roll(ev)
        else:  # pragma: no cover - choices are closed
            raise _refuse(ev, "loại sự kiện không xác định.")
    periods = []
    for org_id, status, exempted, start, end, start_kind, end_kind in rolls:
        periods.extend(_split(org_id, status, exempted, start, end, start_kind, end_kind, links))
    return Result(state=st, periods=periods)


def _need_org(ev) -> None:
    if not ev.organization_id:
        raise _refuse(ev, "chưa chọn chi bộ.")


def _split(org_id, status, exempted, start, end, start_kind, end_kind, links) -> list[Period]:
    """Cut one roll stretch where the cell's path changes; refuse the parts when the cell did not exist."""
    if links is None:
        return [Period(org_id, "", status, exempted, start, end, start_kind, end_kind)]
    out: list[Period] = []
    cursor = start
    for lf, lt, path in links(org_id):
        if lt is not None and lt <= cursor:
            continue
        if lf is not None and lf > cursor:
            break
        piece_end = lt if (end is None or (lt is not None and lt < end)) else end
        out.append(
            Period(
                org_id, path, status, exempted, cursor, piece_end,
                start_kind if cursor == start else EventKind.RESTRUCTURE_MOVE,
                end_kind if piece_end == end else EventKind.RESTRUCTURE_MOVE,
            )
        )  # fmt: skip
        if piece_end is None or (end is not None and piece_end >= end):
            return out
        cursor = piece_end
    raise HistoryError(
        f"Chi bộ chưa thành lập hoặc đã kết thúc hoạt động vào ngày {ngay(cursor)}.",
        field_errors={"organization": f"Chi bộ: không hoạt động vào ngày {ngay(cursor)}."},
    )
