"""The grid's month cells are written in Python (``meetings.views._month_cells``: the template's conditions were most
of the page's time); the markup must stay what the template wrote — this test keeps the template's text as the
reference and renders both for every kind of cell."""

from __future__ import annotations

from django.template import Context, Template

from dangbo.meetings.selectors import GridRow
from dangbo.meetings.views import _month_cells

# The template's loop, as it was in meetings/overview.html before the cells were written in Python.
REFERENCE = Template(
    """{% for c in r.months %}<td class="num cell {% if r.cells == 1 %}{{ c.status }}{% elif c.counts.khong_hop or c.counts.chua_nhap %}khong_hop{% elif c.counts.hop %}hop{% endif %}">
      {% if r.cells == 1 %}{% if c.url %}<a href="{{ c.url }}">{% if c.rate is not None %}{{ c.rate|floatformat:0 }}%{% else %}✓{% endif %}</a>{% elif c.status == 'khong_hop' %}✗{% elif c.status == 'chua_nhap' %}?{% elif c.status == 'chua_co_so_lieu' %}<span title="Chưa có số liệu">—</span>{% endif %}
      {% else %}{% if c.counts.hop or c.counts.khong_hop or c.counts.chua_nhap %}{{ c.counts.hop }}/{{ r.cells }}{% if c.rate is not None %}<br><small>{{ c.rate|floatformat:0 }}%</small>{% endif %}{% elif c.counts.chua_co_so_lieu %}<span title="Chưa có số liệu">—</span>{% endif %}{% endif %}
    </td>{% endfor %}"""  # noqa: E501
)


def _cell(status=None, rate=None, url=None, hop=0, chua_nhap=0, khong_hop=0, sap_toi=0, no_data=0):
    counts = {"hop": hop, "chua_nhap": chua_nhap, "khong_hop": khong_hop, "sap_toi": sap_toi,
              "chua_co_so_lieu": no_data}  # fmt: skip
    return {"counts": counts, "rate": rate, "url": url, "status": status}


def test_the_month_cells_written_in_python_are_the_templates_markup():
    one_cell = GridRow(org=None, cells=1, months=[
        _cell("hop", 87.5, "/sinh-hoat/12/", hop=1), _cell("hop", None, "/sinh-hoat/13/", hop=1),
        _cell("hop", 12.5, "/sinh-hoat/14/?a=1&b=2", hop=1), _cell("hop", 0.0, "/sinh-hoat/15/", hop=1),
        _cell("hop", 100.0, "/sinh-hoat/16/", hop=1), _cell("hop", 2.4999, "/sinh-hoat/17/", hop=1),
        _cell("khong_hop", khong_hop=1), _cell("chua_nhap", chua_nhap=1), _cell("chua_co_so_lieu", no_data=1),
        _cell("sap_toi", sap_toi=1), _cell("hop", 66.666, None, hop=1), _cell("hop", 1500.5, "/sinh-hoat/18/", hop=1),
    ])  # fmt: skip
    many = GridRow(org=None, cells=1234, months=[
        _cell(hop=1200, rate=91.25), _cell(hop=3, khong_hop=1, rate=50.5), _cell(hop=0, chua_nhap=2),
        _cell(no_data=1234), _cell(sap_toi=1234), _cell(), _cell(hop=1234, rate=None), _cell(hop=999, rate=99.5),
        _cell(hop=1000, chua_nhap=1, rate=0.5), _cell(khong_hop=1234), _cell(hop=7, rate=1.5), _cell(hop=1, rate=2.5),
    ])  # fmt: skip
    few = GridRow(
        org=None, cells=12, months=[_cell(hop=n, khong_hop=12 - n, rate=n * 8.25) for n in range(12)]
    )
    for row in (one_cell, many, few):
        assert _month_cells(row) == REFERENCE.render(Context({"r": row}))
