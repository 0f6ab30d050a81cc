"""``core.spool``: a long list kept in a temporary file (an export's rows, an import's rows) gives back what was put
in, in order, as often as it is gone through — in memory or on the disk alike."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.core import spool as spooling


@pytest.mark.parametrize("memory", [spooling.MEMORY_BYTES, 1], ids=["in memory", "on disk"])
def test_records_come_back_in_order_every_time(monkeypatch, memory):
    monkeypatch.setattr(spooling, "MEMORY_BYTES", memory)
    monkeypatch.setattr(spooling, "CHUNK", 4)
    records = [(i, f"Nguyễn Văn {i}", dt.date(1980, 1, 1 + i % 28), None) for i in range(11)]
    with spooling.Spool() as spool:
        for record in records:
            spool.append(record)
        assert len(spool) == 11 and spool.on_disk == (memory == 1)
        first, second = iter(spool), iter(spool)  # two readers at once, each at its own place
        assert [next(first) for _ in range(6)] == records[:6]
        assert list(second) == records
        assert list(first) == records[6:]
        spool.append((11, "Trần Thị Mai", None, None))  # added after: the next reading has it
        assert list(spool) == [*records, (11, "Trần Thị Mai", None, None)]
