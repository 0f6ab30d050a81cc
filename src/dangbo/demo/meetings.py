"""Cell meetings of the demo (DOMAIN §3): every cell's monthly regular meeting from 2010 to today, thematic
meetings each quarter, the grassroots committees' plenary meetings twice a year.

Most cells meet on their meeting day every month with 88–100 % attendance, rare excused absences and complete
minutes. A few weak cells (``WEAK``) miss months, meet short, leave minutes incomplete and have low attendance
and unexcused absences. A handful of members planted in the current year give the alerts real content: absent
without reason in three months or more (removal candidates, one in the persona's cell KCQ-SYT-01) and one
member excused more than three times in a row. The current month is partly held, partly planned (later this
month); a few secretaries have planned next month already.

Everything is computed in memory from the simulation (roll periods, temporary transfers) with the rules of
``meetings.selectors.roll`` and ``meetings.rules.criteria`` — calling them per meeting would take minutes — and
written with the loader's fast insert path. The summary columns are what ``meetings.rules.summary`` computes (tests check a sample).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

from dangbo.core.dates import now as clock_now
from dangbo.meetings.choices import MeetingKind, MeetingState, Presence
from dangbo.meetings.models import Attendance, GradeLevel, Meeting, MeetingTask
from dangbo.meetings.rules import rules_on
from dangbo.members.choices import MemberStatus, TransferKind, TransferState
from dangbo.members.history import services as lifecycle
from dangbo.organizations.choices import CELL_KINDS, OrgKind, Position
from dangbo.organizations.models import CommitteeSeat, Organization

D = dt.date
# Plain strings (the enum members are slow to handle a million times).
PRESENT, LATE, EXCUSED, UNEXCUSED = (p.value for p in (Presence.PRESENT, Presence.LATE, Presence.EXCUSED,
                                                       Presence.UNEXCUSED))  # fmt: skip
HELD, PLANNED = MeetingState.HELD.value, MeetingState.PLANNED.value
REGULAR, THEMATIC, PLENARY = MeetingKind.REGULAR.value, MeetingKind.THEMATIC.value, MeetingKind.PLENARY.value
SEED = 2013_07_10  # the mid-term review of the bloc: its own stream, so the rest of the demo does not move
START = D(2010, 1, 1)
# Years whose meetings are generated: the term of the 2013 mid-term review and the last years. Generating
# 2015–2023 as well (about 1.7 million roll-call rows instead of 0.8) takes the first-run load on SQLite from
# about 30 s to over 50 s; the grid shows those years as not held.
YEARS = {*range(START.year, 2015), *range(2024, 2100)}
TERM_BOUNDARIES = [D(2010, 8, 1), D(2015, 8, 1), D(2020, 8, 1), D(2025, 7, 1)]

# Cells that meet irregularly (grassroots cells are rows of their committee's grid of their own).
WEAK = {"KCQ-LMHTX", "KCQ-XSKT", "KCQ-BQLDAGT", "KCQ-NXB", "KCQ-SNN-06", "KCQ-BVHNDK-07", "KCQ-SVHTTDL-05",
        "VINH-CDVD-02"}  # fmt: skip
# Planted in the current year: (cell, months absent without reason) and (cell, excused months in a row).
ABSENT_WITHOUT_REASON = [("KCQ-SYT-01", 4), ("KCQ-XSKT", 3), ("KCQ-STC-02", 3)]
EXCUSED_IN_A_ROW = ("KCQ-SYT-02", 5)
FIXED_DAYS = {"KCQ-SYT-01": 5, "KCQ-SYT-02": 8}
MEETING_DAYS = [3, 5, 5, 6, 8, 10, 10, 10, 12, 14, 15, 15, 18, 20, 20, 22, 25, 27, 28]
START_TIMES = [(7, 30), (8, 0), (14, 0), (14, 0), (14, 0), (14, 30), (15, 0), (16, 0)]
NOT_RECORDED = 2  # cells whose meeting of this month is past but not entered yet
PLAN_AHEAD = 12  # cells whose secretary has planned next month's meeting

# --- Texts ----------------------------------------------------------------------------------------------

# The yearly theme of the Hồ Chí Minh study-and-follow item (Chỉ thị 03-CT/TW 2011, Chỉ thị 05-CT/TW 2016).
YEAR_THEMES = {
    2010: "cần, kiệm, liêm, chính, chí công vô tư",
    2011: "nâng cao đạo đức cách mạng, chống chủ nghĩa cá nhân",
    2012: "nêu cao tinh thần trách nhiệm, chống chủ nghĩa cá nhân, nói đi đôi với làm",
    2013: "phong cách quần chúng, dân chủ, nêu gương; chống chủ nghĩa cá nhân, quan liêu, xa dân",
    2014: "thực hành tiết kiệm, chống tham ô, lãng phí, quan liêu",
    2015: "trung thực, trách nhiệm; gắn bó với nhân dân; đoàn kết, xây dựng Đảng trong sạch, vững mạnh",
    2016: "xây dựng Đảng trong sạch, vững mạnh, xây dựng đội ngũ cán bộ, đảng viên đủ đức, đủ tài",
    2017: "những nội dung cơ bản của tư tưởng, đạo đức, phong cách Hồ Chí Minh (Chỉ thị 05-CT/TW)",
    2018: "xây dựng phong cách, tác phong công tác của người đứng đầu, của cán bộ, đảng viên",
    2019: "nâng cao ý thức trách nhiệm, hiệu quả công việc, tinh thần phục vụ nhân dân",
    2020: "tăng cường khối đại đoàn kết toàn dân tộc, xây dựng Đảng và hệ thống chính trị trong sạch, vững mạnh",
    2021: "ý chí tự lực, tự cường và khát vọng phát triển đất nước phồn vinh, hạnh phúc",
}  # fmt: skip
LATER_THEME = "ý chí tự lực, tự cường và khát vọng phát triển đất nước phồn vinh, hạnh phúc"
STUDY_NOTES = [
    "mỗi đảng viên liên hệ bản thân, đăng ký một việc làm cụ thể theo gương Bác",
    "chi bộ biểu dương 2 đảng viên làm theo Bác tiêu biểu trong tháng",
    "liên hệ việc giữ kỷ luật, kỷ cương, giờ giấc làm việc của cơ quan",
    "đọc và trao đổi một mẩu chuyện về Bác; đảng viên trẻ phát biểu cảm nhận",
    "gắn với thực hiện Quy định về trách nhiệm nêu gương của cán bộ, đảng viên",
    "rà soát việc thực hiện cam kết làm theo Bác của từng đảng viên",
    "thảo luận cách làm theo Bác trong tiếp công dân và giải quyết công việc",
]  # fmt: skip
# (from, to, text) of the news and guidance read at the meetings.
NEWS = [
    (D(2010, 1, 1), D(2011, 1, 1), "Công tác chuẩn bị Đại hội Đảng bộ tỉnh lần thứ XVII, nhiệm kỳ 2010–2015"),
    (D(2011, 2, 1), D(2012, 1, 1), "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XI của Đảng"),
    (D(2011, 3, 1), D(2011, 6, 1), "Bầu cử đại biểu Quốc hội khóa XIII và HĐND các cấp nhiệm kỳ 2011–2016"),
    (D(2011, 6, 1), D(2012, 6, 1), "Chỉ thị 03-CT/TW về tiếp tục đẩy mạnh việc học tập và làm theo tấm gương đạo đức Hồ Chí Minh"),
    (D(2012, 2, 1), D(2014, 1, 1), "Nghị quyết Trung ương 4 khóa XI «Một số vấn đề cấp bách về xây dựng Đảng hiện nay»"),
    (D(2013, 1, 1), D(2014, 1, 1), "Kế hoạch của Tỉnh ủy về các cơ quan, đơn vị giúp đỡ các xã nghèo năm 2013"),
    (D(2013, 7, 1), D(2013, 10, 1), "Kết quả hội nghị sơ kết giữa nhiệm kỳ của Đảng bộ Khối các cơ quan tỉnh (10/7/2013)"),
    (D(2014, 5, 1), D(2014, 9, 1), "Tình hình Biển Đông; tuyên truyền bảo vệ chủ quyền biển, đảo"),
    (D(2014, 6, 1), D(2015, 10, 1), "Chỉ thị 36-CT/TW về đại hội đảng bộ các cấp tiến tới Đại hội XII của Đảng"),
    (D(2015, 9, 1), D(2016, 3, 1), "Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XVIII, nhiệm kỳ 2015–2020"),
    (D(2016, 2, 1), D(2017, 1, 1), "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XII của Đảng"),
    (D(2016, 11, 1), D(2019, 1, 1), "Nghị quyết Trung ương 4 khóa XII về tăng cường xây dựng, chỉnh đốn Đảng"),
    (D(2017, 11, 1), D(2020, 1, 1), "Nghị quyết 18-NQ/TW và 19-NQ/TW Hội nghị Trung ương 6 khóa XII về sắp xếp tổ chức bộ máy"),
    (D(2018, 10, 1), D(2020, 1, 1), "Quy định 08-QĐi/TW về trách nhiệm nêu gương của cán bộ, đảng viên"),
    (D(2019, 6, 1), D(2020, 11, 1), "Chỉ thị 35-CT/TW về đại hội đảng bộ các cấp tiến tới Đại hội XIII của Đảng"),
    (D(2020, 2, 1), D(2022, 1, 1), "Chỉ đạo của Tỉnh ủy, UBND tỉnh về phòng, chống dịch COVID-19"),
    (D(2021, 2, 1), D(2022, 1, 1), "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng"),
    (D(2021, 11, 1), D(2024, 1, 1), "Kết luận 21-KL/TW về đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị"),
    (D(2024, 6, 1), D(2025, 10, 1), "Chỉ thị 35-CT/TW về đại hội đảng bộ các cấp tiến tới Đại hội XIV của Đảng"),
    (D(2024, 12, 1), D(2025, 7, 1), "Tổng kết Nghị quyết 18-NQ/TW; sắp xếp, tinh gọn tổ chức bộ máy của hệ thống chính trị"),
    (D(2025, 1, 1), D(2026, 1, 1), "Nghị quyết 57-NQ/TW về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số"),
    (D(2025, 2, 1), D(2025, 5, 1), "Quyết định thành lập Đảng bộ các cơ quan Đảng tỉnh và Đảng bộ UBND tỉnh"),
    (D(2025, 4, 1), D(2025, 9, 1), "Sắp xếp đơn vị hành chính cấp xã, kết thúc hoạt động cấp huyện từ 01/7/2025"),
    (D(2025, 9, 1), D(2026, 1, 1), "Đại hội Đảng bộ tỉnh Nghệ An lần thứ XX, nhiệm kỳ 2025–2030"),
    (D(2026, 1, 1), D(2027, 1, 1), "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của Đảng"),
    (D(2026, 1, 1), D(2026, 4, 1), "Bầu cử đại biểu Quốc hội khóa XVI và HĐND các cấp nhiệm kỳ 2026–2031"),
]  # fmt: skip
NEWS_ALWAYS = [
    "Thông báo tình hình thời sự trong nước, quốc tế nổi bật",
    "Tình hình kinh tế - xã hội của tỉnh và nhiệm vụ trọng tâm của cơ quan",
    "Văn bản chỉ đạo của cấp ủy cấp trên về công tác xây dựng Đảng trong tháng",
    "Hướng dẫn của Ban Tuyên giáo Tỉnh ủy về định hướng thông tin",
]  # fmt: skip
# (from, to, topic) of thematic meetings.
TOPICS = [
    (None, None, "Nâng cao chất lượng sinh hoạt chi bộ"),
    (None, None, "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về tinh thần trách nhiệm, nói đi đôi với làm"),
    (None, None, "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về thực hành tiết kiệm, chống lãng phí"),
    (None, None, "Công tác phát triển đảng viên trong cơ quan, đơn vị"),
    (None, None, "Phòng, chống tham nhũng, lãng phí, tiêu cực trong cơ quan"),
    (D(2011, 5, 1), D(2016, 6, 1), "Quán triệt Chỉ thị 03-CT/TW về tiếp tục đẩy mạnh việc học tập và làm theo tấm gương đạo đức Hồ Chí Minh"),
    (D(2012, 2, 1), D(2016, 1, 1), "Nghị quyết Trung ương 4 khóa XI về xây dựng Đảng"),
    (D(2013, 1, 1), D(2014, 1, 1), "Giúp đỡ xã nghèo: trách nhiệm của cán bộ, đảng viên cơ quan"),
    (D(2016, 6, 1), None, "Quán triệt Chỉ thị 05-CT/TW về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"),
    (D(2016, 11, 1), D(2021, 1, 1), "Nghị quyết Trung ương 4 khóa XII: nhận diện biểu hiện suy thoái, «tự diễn biến», «tự chuyển hóa»"),
    (D(2018, 11, 1), None, "Bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác các quan điểm sai trái, thù địch (Nghị quyết 35-NQ/TW)"),
    (D(2019, 1, 1), None, "Quy định 08-QĐi/TW về trách nhiệm nêu gương của cán bộ, đảng viên"),
    (D(2020, 6, 1), None, "Cải cách hành chính, chuyển đổi số trong hoạt động của cơ quan"),
    (D(2021, 11, 1), None, "Kết luận 21-KL/TW về đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị"),
    (D(2024, 12, 1), D(2026, 1, 1), "Sắp xếp, tinh gọn tổ chức bộ máy theo Nghị quyết 18-NQ/TW"),
    (D(2025, 1, 1), None, "Nghị quyết 57-NQ/TW về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số"),
    (D(2026, 2, 1), None, "Học tập, quán triệt Nghị quyết Đại hội XIV của Đảng"),
]  # fmt: skip
RESULTS = {
    "Bệnh viện": ["khám, điều trị cho {n} lượt người bệnh, không để xảy ra sai sót chuyên môn",
                  "triển khai {k} kỹ thuật mới, thực hiện tốt quy tắc ứng xử của nhân viên y tế",
                  "bảo đảm thường trực cấp cứu 24/24 giờ, công suất giường bệnh đạt {p}%"],
    "Trường": ["hoàn thành kế hoạch giảng dạy tháng, dự giờ {k} tiết", "tổ chức kiểm tra định kỳ đúng kế hoạch",
               "hoàn thành {p}% kế hoạch bồi dưỡng, tự bồi dưỡng của giáo viên"],
    "Báo": ["xuất bản đúng kỳ, bảo đảm định hướng thông tin", "thực hiện {k} loạt bài chuyên đề về xây dựng Đảng"],
    "default": ["tham mưu ban hành {k} văn bản đúng thời hạn", "giải quyết hồ sơ, thủ tục đúng hạn đạt {p}%",
                "hoàn thành các nhiệm vụ chuyên môn được giao trong tháng", "phối hợp tốt với các phòng, đơn vị liên quan",
                "hoàn thành báo cáo định kỳ gửi cấp trên đúng thời gian"],
}  # fmt: skip
RESULTS_TAIL = [
    "đảng viên chấp hành tốt nội quy, quy chế cơ quan", "thu đảng phí đầy đủ, đúng quy định",
    "không có đảng viên vi phạm", "các đoàn thể hoạt động sôi nổi", "còn {k} nhiệm vụ chuyển sang tháng sau",
]  # fmt: skip
OPINIONS = [
    "Không có ý kiến khác.", "Đảng viên đề nghị cơ quan bố trí thêm thời gian cho công tác chuyên môn cuối năm.",
    "Đề nghị chi ủy quan tâm hơn đến việc bồi dưỡng quần chúng ưu tú.",
    "Quần chúng phản ánh việc giải quyết một số hồ sơ còn chậm; chi bộ giao đồng chí phụ trách kiểm tra.",
    "Đảng viên thống nhất cao với đánh giá của chi ủy.", "Đề nghị tăng cường ứng dụng công nghệ thông tin trong công việc.",
    "Một số đảng viên đề nghị tổ chức tham quan di tích Kim Liên nhân ngày sinh của Bác.",
    "Đề nghị cấp trên sớm hướng dẫn thực hiện văn bản mới.",
]  # fmt: skip
TASKS = [
    "Hoàn thành báo cáo kết quả công tác tháng {m}", "Thu, nộp đảng phí tháng {m} lên cấp trên",
    "Chuẩn bị nội dung sinh hoạt chuyên đề quý {q}/{y}", "Theo dõi, giúp đỡ quần chúng ưu tú trong diện phát triển đảng",
    "Tham mưu kế hoạch công tác trọng tâm tháng {m}", "Rà soát, bổ sung hồ sơ đảng viên của chi bộ",
    "Tổ chức cho đảng viên học tập văn bản mới của cấp trên", "Vận động đảng viên ủng hộ Quỹ Vì người nghèo",
    "Phụ trách nắm tình hình tư tưởng đảng viên, quần chúng", "Hoàn thành hồ sơ đánh giá, xếp loại cuối năm",
    "Cập nhật sổ ghi biên bản sinh hoạt chi bộ", "Kiểm tra việc thực hiện nghị quyết tháng trước",
]  # fmt: skip
REASONS = [
    "Đi công tác", "Đi công tác tại huyện miền núi", "Ốm, có giấy nghỉ ốm", "Việc gia đình, có báo cáo chi ủy",
    "Đi học tập trung", "Trực cơ quan", "Nghỉ thai sản", "Con ốm", "Tập huấn chuyên môn tại Hà Nội",
]  # fmt: skip
UPPER_NOTES = {
    "tot": ["Sinh hoạt nền nếp, nội dung thiết thực", "Chuẩn bị chu đáo, thảo luận dân chủ"],
    "kha": ["Cần nâng cao chất lượng thảo luận", "Nội dung còn dàn trải, cần cụ thể hơn"],
    "trung_binh": ["Chưa bảo đảm thời gian sinh hoạt", "Biên bản ghi chưa đầy đủ; tỷ lệ dự họp thấp"],
    "kem": ["Không bảo đảm các yêu cầu sinh hoạt chi bộ; đề nghị chấn chỉnh"],
}  # fmt: skip
AGENDA = ("1. Thu đảng phí; điểm danh. 2. Đánh giá kết quả thực hiện nghị quyết tháng {p}. 3. Thông tin thời sự, "
          "văn bản của cấp trên. 4. Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh. "
          "5. Ý kiến của đảng viên. 6. Nhiệm vụ tháng {m}; biểu quyết nghị quyết.")  # fmt: skip


def _month_add(day: dt.date, n: int) -> dt.date:
    m0 = day.month - 1 + n
    return D(day.year + m0 // 12, m0 % 12 + 1, 1)


def _between(items, day):
    return [text for lo, hi, text in items if (lo is None or lo <= day) and (hi is None or day < hi)]


class _Writer:
    """Buffers rows and writes them in chunks (meetings first, then what refers to them)."""

    MEETING_COLUMNS = [
        "id", "created_at", "updated_at", "organization", "org_path", "kind", "topic", "month", "planned_at", "place",
        "agenda", "state", "started_at", "ended_at", "chair", "minutes_secretary", "committee_prepared",
        "draft_resolution", "dues_collected", "dues_amount", "last_month_results", "news_guidance", "study_follow",
        "opinions", "resolution", "votes_for", "votes_against", "votes_abstain", "recorded_by_proxy", "self_grade",
        "upper_grade", "upper_graded_by", "upper_grade_note", "base_count", "present_count", "unexcused_count",
        "criteria_passed", "criteria_total",
    ]  # fmt: skip

    def __init__(self, insert):
        self.insert = insert
        self.meetings, self.attendance, self.tasks = [], [], []
        self.counts = {"meetings": 0, "attendance": 0, "tasks": 0}
        tz = ZoneInfo(settings.TIME_ZONE)
        if connection.vendor == "sqlite":  # stored as naive UTC text, as Django's adapter writes it
            self.moment = lambda local: str(local - tz.utcoffset(local))
        else:
            self.moment = lambda local: local.replace(tzinfo=tz)
        self.indexes = self._detach()

    @staticmethod
    def _detach() -> list[str]:
        """Drop the secondary indexes of the meeting tables while loading — and on PostgreSQL their foreign keys
        and unique constraints too — and return the SQL that re-creates them (``close``). Kept up to date row by
        row they make the load several times slower, and a deferred foreign key queues a check per row for the
        commit (and for every test's constraint check). Same approach as demo/synthetic.py."""
        tables = [m._meta.db_table for m in (Meeting, Attendance, MeetingTask)]
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                    " AND tbl_name IN (%s, %s, %s)", tables,
                )  # fmt: skip
                indexes = cursor.fetchall()
                for name, _ in indexes:
                    cursor.execute(f"DROP INDEX {qn(name)}")
                return [sql for _, sql in indexes]
            cursor.execute(
                """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
                     FROM pg_constraint c WHERE c.contype IN ('f', 'u') AND c.conrelid = ANY(%s::regclass[])
                    ORDER BY c.contype, c.conname""",
                [tables],
            )  # fmt: skip
            constraints = cursor.fetchall()  # foreign keys ('f') before unique constraints ('u')
            cursor.execute(
                """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
                    WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
                      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
                [tables],
            )  # fmt: skip
            indexes = cursor.fetchall()
            # A foreign key cannot be dropped or added while the tables it links have checks pending (the
            # loader's rows, checked at the commit otherwise): run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name, _ in constraints:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {qn(name)}")
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {name}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        restore = [sql for _, sql in indexes]
        restore += ["SET CONSTRAINTS ALL IMMEDIATE"]
        restore += [f"ALTER TABLE {t} ADD CONSTRAINT {qn(n)} {d}" for t, n, d in reversed(constraints)]
        restore += ["SET CONSTRAINTS ALL DEFERRED"]
        return restore + [f"ANALYZE {', '.join(tables)}"]  # the planner needs the new rows' statistics

    def close(self) -> None:
        self.flush(force=True)
        with connection.cursor() as cursor:
            for sql in self.indexes:
                cursor.execute(sql)
            for sql in connection.ops.sequence_reset_sql(no_style(), [Meeting]):
                cursor.execute(sql)

    def flush(self, force=False):
        if not force and len(self.attendance) < 150_000:
            return
        self.insert(Meeting, self.MEETING_COLUMNS, self.meetings)
        self.insert(Attendance, ["meeting", "member", "presence", "reason"], self.attendance)
        self.insert(MeetingTask, ["meeting", "member", "content", "due_date"], self.tasks)
        for key, rows in (
            ("meetings", self.meetings),
            ("attendance", self.attendance),
            ("tasks", self.tasks),
        ):
            self.counts[key] += len(rows)
        self.meetings, self.attendance, self.tasks = [], [], []


class _Cell:
    """A cell's roll over time, from its members' roll periods and temporary transfers (as ``roll.roll``).

    The roll is asked for days in increasing order: the periods are swept once."""

    def __init__(self, org: dict, periods, attached):
        self.org, self.pk, self.code = org, org["id"], org["code"]
        self.attached = attached  # [(member, sent, received, ended)]
        # (day, 0 = leaves / 1 = joins, member, exempted, official): on the day a period ends the member is off it.
        periods = [p for p in periods if p[2] is None or p[2] > p[1]]
        events = [(lo, 1, m, exempted, official) for m, lo, hi, exempted, official in periods]
        events += [
            (hi, 0, m, exempted, official) for m, lo, hi, exempted, official in periods if hi is not None
        ]
        events.sort()
        self.events, self.next, self.last = events, 0, dt.date.min
        self.active: dict[int, tuple[bool, bool]] = {}
        self.periods = periods

    def roll(self, day, away) -> tuple[list[int], set[int]]:
        """Counted members (base: own, not exempted, not temporarily away; plus attached) and the officials."""
        if day < self.last:  # out of order (rare): read the periods directly
            return self._scan(day, away)
        events, i, active = self.events, self.next, self.active
        self.last = day
        while i < len(events) and events[i][0] <= day:
            _, joins, m, exempted, official = events[i]
            if joins:
                active[m] = (exempted, official)
            elif active.get(m) == (exempted, official):
                del active[m]
            i += 1
        self.next = i
        base = [
            m
            for m, (exempted, _) in active.items()
            if not exempted and not (away and _away(away.get(m), day))
        ]
        officials = {m for m, (_, official) in active.items() if official}
        if self.attached:
            base += [m for m, sent, received, ended in self.attached
                     if sent <= day and received and received <= day and (ended is None or ended > day)
                     and m not in active]  # fmt: skip
        base.sort()
        return base, officials

    def _scan(self, day, away) -> tuple[list[int], set[int]]:
        own = {m: (exempted, official) for m, lo, hi, exempted, official in self.periods
               if lo <= day and (hi is None or hi > day)}  # fmt: skip
        base = [
            m for m, (exempted, _) in own.items() if not exempted and not (away and _away(away.get(m), day))
        ]
        base += [m for m, sent, received, ended in self.attached
                 if sent <= day and received and received <= day and (ended is None or ended > day) and m not in own]  # fmt: skip
        return sorted(base), {m for m, (_, official) in own.items() if official}


def _away(spans, day) -> bool:
    return bool(spans) and any(sent <= day and (ended is None or ended > day) for sent, ended in spans)


def write(sim, now: dt.date, insert) -> dict:
    """Generate and write the meetings; returns counts and the notable cells and members."""
    rng = random.Random(SEED)
    cal = sim.cal
    grades = dict(GradeLevel.objects.values_list("code", "id"))
    orgs = list(
        Organization.objects.filter(kind__in=(*CELL_KINDS, OrgKind.GRASSROOTS_COMMITTEE)).order_by("id")
        .values("id", "code", "name", "kind", "host_unit", "founding_date", "end_date")
    )  # fmt: skip
    links = lifecycle.link_periods([o["id"] for o in orgs])

    def path_on(org_id, day):
        for lo, hi, path in links(org_id):
            if (lo is None or lo <= day) and (hi is None or hi > day):
                return path
        return None

    seats: dict[int, list] = defaultdict(list)  # org → [(from, to, secretary, deputy)]
    by_term: dict[int, dict] = defaultdict(dict)
    for term_id, org_id, lo, hi, member, position in CommitteeSeat.objects.filter(
        position__in=(Position.SECRETARY, Position.DEPUTY_SECRETARY)
    ).values_list(
        "term_id", "term__organization_id", "term__start_date", "term__end_date", "member_id", "position"
    ):
        by_term[term_id].update(org=org_id, lo=lo, hi=hi, **{position: member})
    for t in by_term.values():
        seats[t["org"]].append(
            (t["lo"], t["hi"], t.get(Position.SECRETARY), t.get(Position.DEPUTY_SECRETARY))
        )

    periods: dict[int, list] = defaultdict(list)
    for p in sim.people:
        for r in p.result.periods:
            periods[r.organization_id].append(
                (p.m.pk, r.valid_from, r.valid_to, r.exempted, r.status == MemberStatus.OFFICIAL)
            )
    away: dict[int, list] = defaultdict(list)
    attached: dict[int, list] = defaultdict(list)
    for t in sim.transfers:
        if t.kind != TransferKind.TEMPORARY or t.state == TransferState.CANCELLED:
            continue
        away[t.member.pk].append((t.sent_date, t.ended_date))
        target = t.received_cell_id or t.to_organization_id
        if target:
            attached[target].append((t.member.pk, t.sent_date, t.received_date, t.ended_date))

    cells = [_Cell(o, sorted(periods.get(o["id"], ())), attached.get(o["id"], ())) for o in orgs
             if o["kind"] in CELL_KINDS]  # fmt: skip
    committees = [o for o in orgs if o["kind"] == OrgKind.GRASSROOTS_COMMITTEE]
    days = {c.pk: FIXED_DAYS.get(c.code) or rng.choice(MEETING_DAYS) for c in cells}
    for day in sorted(set(days.values())):
        Organization.objects.filter(pk__in=[pk for pk, d in days.items() if d == day]).update(meeting_day=day)

    current = now.replace(day=1)
    following = _month_add(current, 1)
    by_code = {c.code: c for c in cells}
    normal = [c for c in cells if c.code not in WEAK and c.code not in FIXED_DAYS and not c.org["end_date"]]
    not_recorded = {c.code for c in rng.sample(normal, NOT_RECORDED)}
    plan_ahead = {c.code for c in rng.sample(normal, PLAN_AHEAD)} | {"KCQ-SYT-01"}

    # The planted members of the current year: official, on the cell's roll all year, not the chair.
    months_so_far = list(range(1, now.month)) if now.year >= START.year else []
    planted: dict[tuple[int, dt.date], dict[int, tuple[str, str]]] = defaultdict(dict)
    avoid: dict[int, set[int]] = defaultdict(set)
    notable = {"absent": [], "excused": []}

    def steady(cell):
        jan = D(now.year, 1, 1)
        return sorted({m for m, lo, hi, ex, off in cell.periods if lo <= jan and hi is None and off and not ex}
                      - {s for _, _, a, b in seats.get(cell.pk, ()) for s in (a, b)})  # fmt: skip

    for code, n in ABSENT_WITHOUT_REASON:
        cell = by_code[code]
        member = steady(cell)[0]
        months = sorted(rng.sample(months_so_far, min(n, len(months_so_far))))
        for m in months:
            planted[(cell.pk, D(now.year, m, 1))][member] = (UNEXCUSED, "")
        avoid[cell.pk].add(member)
        notable["absent"].append((code, member, len(months)))
    code, n = EXCUSED_IN_A_ROW
    cell = by_code[code]
    member = steady(cell)[1]
    months = months_so_far[-n - 1 : -1] if len(months_so_far) > n else months_so_far[-n:]
    for m in months:
        planted[(cell.pk, D(now.year, m, 1))][member] = (
            EXCUSED,
            "Điều trị bệnh dài ngày, có giấy của bệnh viện",
        )
    avoid[cell.pk].add(member)
    notable["excused"].append((code, member, len(months)))

    w = _Writer(insert)
    next_id = itertools.count((Meeting.objects.aggregate(n=Max("id"))["n"] or 0) + 1)
    stamp_of = w.moment

    def workday(day):
        month = day.month
        d = day
        while not cal.is_working_day(d):
            d += dt.timedelta(days=1)
        if d.month != month:
            d = day
            while not cal.is_working_day(d):
                d -= dt.timedelta(days=1)
        return d

    pools: dict[int, list[str]] = {}
    news_of: dict[dt.date, list[str]] = {}

    def texts(cell, day, month):
        pool = pools.get(cell.pk)
        if pool is None:
            agency = (cell.org["host_unit"] or cell.org["name"]).split(", ")[-1]
            pool = pools[cell.pk] = next((v for k, v in RESULTS.items() if k != "default" and agency.startswith(k)),
                                         []) + RESULTS["default"]  # fmt: skip
        news = news_of.get(month)
        if news is None:
            news = news_of[month] = _between(NEWS, month)
        parts = rng.sample(pool, 2) + [rng.choice(RESULTS_TAIL)]
        fill = {"n": rng.randint(800, 9000), "k": rng.randint(2, 12), "p": rng.randint(85, 100)}
        results = f"Tháng {_month_add(month, -1):%m/%Y}: " + "; ".join(s.format(**fill) for s in parts) + "."
        items = rng.sample(news, min(len(news), 2)) + [rng.choice(NEWS_ALWAYS)]
        theme = YEAR_THEMES.get(day.year, LATER_THEME)
        study = f"Chuyên đề năm {day.year}: {theme}; {rng.choice(STUDY_NOTES)}."
        return results, "; ".join(items) + ".", study

    def tasks_for(mid, present, month, next_day):
        out = []
        nxt = _month_add(month, 1)
        for template in rng.sample(TASKS, rng.choice((2, 3, 3))):
            content = template.format(m=f"{nxt:%m/%Y}", q=(nxt.month - 1) // 3 + 1, y=nxt.year)
            out.append((mid, rng.choice(present), content, next_day))
        return out

    def regular_grade(passed):
        if passed == 6:
            return "tot" if rng.random() < 0.85 else "kha"
        if passed == 5:
            return rng.choice(("kha", "kha", "kha", "tot", "trung_binh"))
        return "trung_binh" if passed >= 3 or rng.random() < 0.6 else "kem"

    def absences(cell, base, officers, weak, streak, unexcused_months, year, day, extra):
        """{member: (presence, reason)} for the absent members of one meeting."""
        n = len(base)
        out = {m: v for m, v in extra.items() if m in base}
        pool = [m for m in base if m not in officers and m not in out and m not in avoid[cell.pk]]
        if weak and rng.random() < 0.35:  # low attendance
            k = max(1, math.ceil(n * (1 - rng.uniform(0.62, 0.84))))
        else:
            r = rng.random()
            k = 0 if r < 0.55 else 1 if r < 0.85 else 2 if r < 0.95 else 3
            k = min(k, int(n * (0.15 if weak else 0.12)))
        k = max(0, min(k - len(out), len(pool)))
        chosen = rng.sample(pool, k) if k else []
        unexcused = 0
        if weak and rng.random() < 0.3:
            unexcused = rng.choice((1, 1, 2))
            if not chosen and pool:
                chosen = [rng.choice(pool)]
        for m in chosen:
            if unexcused and unexcused_months[(m, year)] < 2:
                out[m] = (UNEXCUSED, "")
                unexcused -= 1
            elif streak.get(m, 0) < rules_on(day).max_excused_in_a_row:
                out[m] = (EXCUSED, rng.choice(REASONS))
        return out

    def meeting_row(mid, cell_pk, path, kind, topic, month, planned, place, agenda, state, **f):
        created = stamp_of(planned - dt.timedelta(days=rng.randint(5, 12)))
        ended = f.get("ended")
        updated = stamp_of(ended + dt.timedelta(hours=rng.randint(2, 48))) if ended else created
        return (
            mid, created, updated, cell_pk, path, kind, topic, month, stamp_of(planned), place, agenda, state,
            stamp_of(f["started"]) if f.get("started") else None, stamp_of(ended) if ended else None,
            f.get("chair"), f.get("secretary"), f.get("prepared", False), f.get("draft", False),
            f.get("dues", False), f.get("amount"), f.get("results", ""), f.get("news", ""), f.get("study", ""),
            f.get("opinions", ""), f.get("resolution", ""), f.get("votes_for"), f.get("votes_against"),
            f.get("votes_abstain"), True, f.get("self_grade"), f.get("upper_grade"), None, f.get("upper_note", ""),
            f.get("base", 0), f.get("present", 0), f.get("unexcused", 0), f.get("passed", 0), f.get("total", 0),
        )  # fmt: skip

    for cell in cells:
        org = cell.org
        weak = cell.code in WEAK
        founded, ended = org["founding_date"], org["end_date"]
        mday = days[cell.pk]
        hour, minute = rng.choice(START_TIMES)
        place = rng.choice(["Phòng họp", "Hội trường", "Phòng họp tầng 2", "Phòng giao ban"]) + " " + (
            org["host_unit"] or org["name"])  # fmt: skip
        sec = dep = None
        term_index = -1
        streak: dict[int, int] = {}  # excused regular meetings in a row this year, as quality.excused_streaks
        streak_year = None
        unexcused_months: dict[tuple[int, int], int] = defaultdict(int)
        month = max(START, founded.replace(day=1) if founded else START)
        while month <= following:
            this_month, month = month, _month_add(month, 1)
            if this_month.year not in YEARS:
                continue
            day = workday(D(this_month.year, this_month.month, mday))
            if founded and day < founded:
                day = workday(
                    min(founded + dt.timedelta(days=5), _month_add(this_month, 1) - dt.timedelta(days=1))
                )
            if (founded and day < founded) or (ended and day >= ended) or day.month != this_month.month:
                continue
            path = path_on(cell.pk, day)
            if path is None:
                continue
            extra = planted.get((cell.pk, this_month), {})
            state = HELD
            if this_month == following:
                if cell.code not in plan_ahead:
                    continue
                state = PLANNED
            elif this_month == current:
                if day >= now or (rng.random() < 0.08 and cell.code not in FIXED_DAYS):
                    later = workday(
                        min(now + dt.timedelta(days=rng.randint(1, 4)), following - dt.timedelta(days=1))
                    )
                    day = day if day >= now else later
                    # today's meeting is held once its start time has passed (07:30 is not held at 04:20)
                    starts = dt.datetime(day.year, day.month, day.day, hour, minute)
                    state = (
                        PLANNED
                        if day > now or (day == now and starts > clock_now().replace(tzinfo=None))
                        else HELD
                    )
                if cell.code in not_recorded:
                    state = PLANNED
            elif not extra and rng.random() < (0.15 if weak else 0.003):
                continue  # the month's meeting was not held
            base, officials = cell.roll(day, away)
            if not base:
                continue
            if day.year != streak_year:
                streak, streak_year = {}, day.year
            rules = rules_on(day)
            start = dt.datetime(day.year, day.month, day.day, hour, minute)
            mid = next(next_id)
            if state == PLANNED:
                agenda = AGENDA.format(p=f"{_month_add(this_month, -1):%m/%Y}", m=f"{this_month:%m/%Y}")
                w.meetings.append(meeting_row(mid, cell.pk, path, REGULAR, "", this_month, start, place,
                                              agenda, state, prepared=day - now < dt.timedelta(days=7), total=6))  # fmt: skip
                continue
            # The secretary and the deputy: the committee's seats for a grassroots cell, else chosen members.
            index = sum(b <= day for b in TERM_BOUNDARIES)
            seat = next(((s, d) for lo, hi, s, d in seats.get(cell.pk, ()) if lo <= day and (hi is None or day < hi)),
                        None)  # fmt: skip
            in_base = set(base)
            candidates = [m for m in base if m in officials and m not in avoid[cell.pk]] or base
            if seat and seat[0] in in_base:
                sec = seat[0]
            elif sec not in in_base or (index != term_index and rng.random() < 0.5):
                sec = rng.choice(candidates)
            if seat and seat[1] in in_base and seat[1] != sec:
                dep = seat[1]
            elif dep not in in_base or dep == sec or index != term_index:
                others = [m for m in candidates if m != sec]
                dep = rng.choice(others) if others else sec
            term_index = index
            absent = absences(cell, base, {sec, dep}, weak, streak, unexcused_months, day.year, day, extra)
            present = [m for m in base if m not in absent]
            late = set(rng.sample(present, min(len(present), rng.choice((0, 0, 0, 1, 1, 2 if weak else 1)))))
            late.discard(sec)
            long_streak = False
            for m in base:
                p = absent.get(m)
                if p is None:
                    streak[m] = 0
                    continue
                w.attendance.append((mid, m, p[0], p[1]))
                if p[0] == EXCUSED:
                    streak[m] = streak.get(m, 0) + 1
                    long_streak |= streak[m] > rules.max_excused_in_a_row
                else:
                    streak[m] = 0
                    unexcused_months[(m, day.year)] += 1
            w.attendance.extend((mid, m, LATE if m in late else PRESENT, "") for m in present)
            n_present = len(present)
            n_unexcused = sum(p == UNEXCUSED for p, _ in absent.values())
            # Minutes.
            short = weak and rng.random() < 0.4
            minutes = (
                rng.randrange(55, rules.min_minutes - 4, 5)
                if short
                else rng.randrange(rules.min_minutes if weak else 100, 151, 5)
            )
            finish = start + dt.timedelta(minutes=minutes)
            results, news, study = texts(cell, day, this_month)
            missing = set(rng.sample(["results", "study", "votes", "tasks", "dues"], rng.choice((1, 1, 2))))
            missing = missing if weak and rng.random() < 0.3 else set()
            prepared = rng.random() < (0.6 if weak else 0.97)
            draft = prepared or rng.random() < 0.5
            next_day = workday(D(month.year, month.month, mday))
            tasks = [] if "tasks" in missing else tasks_for(mid, present, this_month, next_day)
            w.tasks.extend(tasks)
            abstain = 1 if n_present > 5 and rng.random() < 0.03 else 0
            summary_text = (
                "; ".join(t[2].lower() for t in tasks[:2]) or "tiếp tục thực hiện nhiệm vụ chuyên môn"
            )
            resolution = (f"Chi bộ thống nhất: {summary_text}; phấn đấu hoàn thành nhiệm vụ chính trị tháng "
                          f"{month:%m/%Y}. Nghị quyết được {n_present - abstain}/{n_present} đồng chí dự họp tán thành.")  # fmt: skip
            per_member = 30_000 * 1.065 ** (day.year - 2010)
            amount = int(round(len(base) * per_member * rng.uniform(0.85, 1.15), -3))
            criteria = [
                100 * n_present / len(base) > rules.min_attendance_percent,
                n_unexcused <= rules.max_unexcused,
                not long_streak,
                minutes >= rules.min_minutes,
                not missing,
                prepared and draft,
            ]
            passed = sum(criteria)
            self_grade = regular_grade(passed)
            upper = upper_note = None
            if this_month < current and rng.random() < 0.12:
                rank = ["tot", "kha", "trung_binh", "kem"]
                upper = rank[min(3, rank.index(self_grade) + (rng.random() < 0.2))]
                upper_note = rng.choice(UPPER_NOTES[upper])
            w.meetings.append(meeting_row(
                mid, cell.pk, path, REGULAR, "", this_month, start, place, "", state, started=start,
                ended=finish, chair=sec, secretary=dep, prepared=prepared, draft=draft, dues="dues" not in missing,
                amount=None if "dues" in missing else amount, results="" if "results" in missing else results,
                news=news, study="" if "study" in missing else study, opinions=rng.choice(OPINIONS),
                resolution=resolution, votes_for=None if "votes" in missing else n_present - abstain,
                votes_against=None if "votes" in missing else 0, votes_abstain=None if "votes" in missing else abstain,
                self_grade=grades[self_grade], upper_grade=grades[upper] if upper else None, upper_note=upper_note or "",
                base=len(base), present=n_present, unexcused=n_unexcused, passed=passed, total=6,
            ))  # fmt: skip
            # The quarter's thematic meeting (most cells, in the quarter's middle month, or later if missed).
            if this_month.month % 3 == 2 and rng.random() < (0.45 if weak else 0.93):
                _thematic(w, rng, cell, day, start, finish, this_month, now, place, sec, dep, away,
                          next_id, path_on, workday, meeting_row)  # fmt: skip
        w.flush()

    def expected_at(org_id, day) -> set[int]:
        """Members of the committee's cells expected at its plenary on ``day`` (on the roll of a cell under it that
        day, not exempted, not temporarily away — ``roll.roll``'s counted members, those attached aside)."""
        top = path_on(org_id, day)
        out = set()
        for c in cells:
            path = path_on(c.pk, day)
            if top and path and path.startswith(top):
                out.update(m for m, lo, hi, exempted, _ in c.periods
                           if lo <= day and (hi is None or hi > day) and not exempted and not _away(away.get(m), day))  # fmt: skip
        return out

    for org in committees:
        _plenaries(w, rng, org, seats.get(org["id"], ()), now, following, next_id, path_on, workday, meeting_row,
                   expected_at)  # fmt: skip
    w.close()
    return {**w.counts, "weak": sorted(WEAK), **notable}


def _thematic(w, rng, cell, day, start, finish, month, now, place, sec, dep, away, next_id, path_on,
              workday, meeting_row):  # fmt: skip
    topics = _between(TOPICS, day)
    topic = rng.choice(topics)
    if start.hour < 15 and rng.random() < 0.5:  # right after the regular meeting
        t_start = finish + dt.timedelta(minutes=15)
    else:
        gap = dt.timedelta(days=rng.randint(5, 12))
        t_day = workday(day + gap)
        if t_day.month != month.month or t_day <= day:  # the week before the regular meeting
            t_day = workday(day - gap)
            founded = cell.org["founding_date"]
            if t_day.month != month.month or t_day >= day or (founded and t_day < founded):
                return
        t_start = dt.datetime(t_day.year, t_day.month, t_day.day, 14, 0)
    t_day = t_start.date()
    path = path_on(cell.pk, t_day)
    org = cell.org
    if path is None or (org["end_date"] and t_day >= org["end_date"]):
        return
    mid = next(next_id)
    if t_day >= now:
        w.meetings.append(meeting_row(mid, cell.pk, path, THEMATIC, topic, month, t_start, place,
                                      f"Sinh hoạt chuyên đề: {topic}", PLANNED))  # fmt: skip
        return
    base, _ = cell.roll(t_day, away)
    if not base:
        return
    in_base = set(base)
    chair = sec if sec in in_base else base[0]
    secretary = dep if dep in in_base else chair
    pool = [m for m in base if m not in (chair, secretary)]
    k = min(len(pool), rng.choice((0, 0, 1, 1, 2)), int(len(base) * 0.12))
    absent = set(rng.sample(pool, k)) if k else set()
    for m in base:
        if m in absent:
            w.attendance.append((mid, m, EXCUSED, rng.choice(REASONS)))
        else:
            w.attendance.append((mid, m, PRESENT, ""))
    minutes = rng.randrange(60, 121, 5)
    present = len(base) - len(absent)
    w.meetings.append(meeting_row(
        mid, cell.pk, path, THEMATIC, topic, month, t_start, place, f"Sinh hoạt chuyên đề: {topic}",
        HELD, started=t_start, ended=t_start + dt.timedelta(minutes=minutes), chair=chair,
        secretary=secretary, prepared=True, draft=True, dues=False,
        news=f"Đồng chí bí thư chi bộ trình bày chuyên đề «{topic}».",
        study="Đảng viên thảo luận, liên hệ trách nhiệm của bản thân và của chi bộ.",
        opinions=rng.choice(OPINIONS),
        resolution=f"Chi bộ thống nhất các giải pháp thực hiện chuyên đề «{topic}» trong cơ quan, đơn vị.",
        votes_for=present, votes_against=0, votes_abstain=0, base=len(base), present=present,
    ))  # fmt: skip


def _plenaries(w, rng, org, terms, now, following, next_id, path_on, workday, meeting_row, expected_at):
    """A grassroots committee's plenary meetings: the half-year review (July) and the year's review (December).
    The committee's roll is its cells' members: ``meetings.selectors.roll`` knows cells only, so no roll call is kept."""
    founded, ended = org["founding_date"], org["end_date"]
    for year in range(START.year, now.year + 1):
        if year not in YEARS:
            continue
        for month, topic in (
            (7, f"Sơ kết công tác xây dựng Đảng 6 tháng đầu năm {year}, nhiệm vụ 6 tháng cuối năm"),
            (12, f"Tổng kết công tác xây dựng Đảng năm {year}, phương hướng, nhiệm vụ năm {year + 1}"),
        ):
            day = workday(D(year, month, rng.randint(12, 22)))
            if (founded and day < founded) or (ended and day >= ended):
                continue
            path = path_on(org["id"], day)
            month_day = D(year, month, 1)
            if path is None or month_day > following:
                continue
            state = HELD if day < now else PLANNED
            if state == PLANNED and rng.random() < 0.6:
                continue  # not planned yet
            start = dt.datetime(day.year, day.month, day.day, 8, 0)
            seat = next(((s, d) for lo, hi, s, d in terms if lo <= day and (hi is None or day < hi)), None)
            seat = seat or next(((s, d) for _lo, _hi, s, d in terms), (None, None))
            mid = next(next_id)
            if state == PLANNED:
                w.meetings.append(meeting_row(mid, org["id"], path, PLENARY, topic, month_day, start,
                                              f"Hội trường {org['host_unit']}", f"Hội nghị đảng bộ: {topic}.", state))  # fmt: skip
                continue
            # The secretary chairs and the deputy keeps the minutes, if expected at the meeting that day (not
            # exempted, not away): a record never names a chair who could not be there (services.minutes_problems).
            here = expected_at(org["id"], day)
            chair = next((m for m in (*seat, *sorted(here)) if m in here), None)
            secretary = next((m for m in (seat[1], *sorted(here)) if m in here and m != chair), None)
            w.meetings.append(meeting_row(
                mid, org["id"], path, PLENARY, topic, month_day, start, f"Hội trường {org['host_unit']}",
                f"Hội nghị đảng bộ: {topic}.", state, started=start, ended=start + dt.timedelta(minutes=rng.randrange(150, 211, 10)),
                chair=chair, secretary=secretary, prepared=True, draft=True,
                results=f"Báo cáo của Ban Chấp hành Đảng bộ về kết quả {'6 tháng đầu năm' if month == 7 else 'năm'} {year}.",
                news=rng.choice(NEWS_ALWAYS) + ".", opinions=rng.choice(OPINIONS),
                resolution=f"Hội nghị thống nhất thông qua báo cáo và nghị quyết: {topic.lower()}.",
            ))  # fmt: skip
