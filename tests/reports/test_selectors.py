"""Each section's figures against a hand count of the half year of ``conftest.py``; scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from dangbo.reports import selectors as sections

from .conftest import END, START

D = dt.date


def test_headcount_and_organizations_at_the_period_end(tree, people, half):
    s = sections.headcount(people.staff, tree.bloc, START, END)
    f = s.figures
    assert (f["tong"], f["chinh_thuc"], f["du_bi"], f["nu"]) == (5, 4, 1, 2)
    assert (f["to_chuc_co_so"], f["to_chuc_dang_bo_co_so"], f["to_chuc_chi_bo"]) == (2, 1, 3)
    assert {"dimension": "Giới tính", "label": "Nữ", "count": 2, "percent": 40.0} in s.rows
    assert sections.headcount(people.staff, tree.a, START, END).figures["tong"] == 4


def test_movement_of_the_period(tree, people, half):
    f = sections.movement(people.staff, tree.bloc, START, END).figures
    assert (f["dau_ky"], f["ket_nap"], f["tang"], f["giam"], f["cuoi_ky"], f["can_doi"]) == (
        4,
        1,
        1,
        0,
        5,
        True,
    )


def test_meetings_held_against_due_and_grades(tree, people, half):
    s = sections.meetings(people.staff, tree.bloc, START, END)
    f = s.figures
    assert (f["chi_bo"], f["da_hop"], f["phai_hop"], f["ty_le"]) == (3, 3, 18, 16.7)
    assert f["xep_loai"]["Tốt"] == 1 and f["xep_loai"]["Khá"] == 1 and f["cap_tren_xep_loai"] == 2
    by_org = {r["organization"]: (r["held"], r["expected"]) for r in s.rows}
    assert by_org == {"Đảng bộ Sở Y tế": (3, 12), "Chi bộ Sở Tư pháp": (0, 6)}
    # January alone
    f = sections.meetings(people.staff, tree.bloc, START, START.replace(day=31)).figures
    assert (f["da_hop"], f["phai_hop"]) == (2, 3)


def test_tasks_and_dissemination_coverage(tree, people, half):
    s = sections.tasks_section(people.staff, tree.bloc, START, END)
    f = s.figures
    assert (f["nhiem_vu"], f["quan_triet"], f["luot_giao"], f["luot_bao_cao"], f["ty_le_bao_cao"]) == (
        1,
        1,
        2,
        1,
        50.0,
    )
    assert (f["du_hoc"], f["dang_vien_bao_cao"]) == (3, 4)
    assert s.rows[0]["line"].startswith("1/2 tổ chức đã học tập, quán triệt «Học tập Chỉ thị 05»")
    assert (
        sections.tasks_section(
            people.staff, tree.bloc, START.replace(year=2023), END.replace(year=2023)
        ).figures["nhiem_vu"]
        == 0
    )
    # B's report, filed on 05/07/2024, counts from then on; the half year's figures stay as they were.
    f = sections.tasks_section(people.staff, tree.bloc, START, D(2024, 7, 10)).figures
    assert (f["luot_bao_cao"], f["du_hoc"], f["dang_vien_bao_cao"]) == (2, 4, 5)


def test_targets_measured_at_the_period_end(tree, people, half):
    s = sections.targets_section(people.staff, tree.bloc, START, END)
    assert (s.figures["chi_tieu"], s.figures["nhiem_ky"]) == (1, "2020–2025")
    assert s.rows[0]["actual"] == 40 and s.rows[0]["percent"] == 80
    assert (
        sections.targets_section(people.staff, tree.a, START, END).figures["chi_tieu"] == 0
    )  # A has no term


def test_support_of_the_period(tree, people, half):
    f = sections.support_section(people.staff, tree.bloc, START, END).figures
    assert (f["to_chuc"], f["xa"], f["gia_tri"], f["dong_gop"]) == (2, 2, 8_000_000, 2)
    f = sections.support_section(people.staff, tree.a, START, END).figures
    assert (f["to_chuc"], f["xa"], f["gia_tri"]) == (1, 1, 5_000_000)


def test_every_section_refuses_an_organization_outside_the_scope(tree, people, half):
    for key in sections.SECTIONS.keys():
        with pytest.raises(Http404):
            sections.SECTIONS.get(key)(people.secretary_b, tree.a, START, END)
    with pytest.raises(Http404):
        sections.build(people.nobody, tree.bloc, START, END)
    assert list(sections.build(people.staff, tree.bloc, START, END)) == sections.SECTIONS.keys()
