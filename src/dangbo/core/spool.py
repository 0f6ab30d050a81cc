"""A long list of records read once and gone through later, kept in a temporary file instead of memory: an export's
rows before the line «Tổng số» can be written (``core.exports``), an import's rows before they are checked — its
kind's ``prepare`` goes through them for the keys it looks up, then ``core.imports.run`` goes through them again
(``core.imports.Rows``). A province's file (250,000 rows) is never held whole.

The records stay in memory up to ``MEMORY_BYTES`` (a page's small file never touches the disk), then the whole
spool moves to an unnamed temporary file (``tempfile.SpooledTemporaryFile``), deleted when it is closed or let go.
They are pickled ``CHUNK`` at a time (one pickle per chunk, its own memo: values repeated in a chunk — a cell code,
a choice — are written once), so at most one chunk per reader is in memory. Each iteration starts at the first
record; several may run at once (each keeps its own place in the file); records added after an iteration started are
not part of it."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from typing import Any

MEMORY_BYTES = 4 * 1024 * 1024  # past this, the records move to a temporary file
CHUNK = 500  # records per pickle


class Spool:
    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=MEMORY_BYTES, prefix="dangbo-spool-")  # noqa: SIM115
        self._pending: list = []  # records not written yet
        self._count = 0

    def append(self, record: Any) -> None:
        self._pending.append(record)
        self._count += 1
        if len(self._pending) >= CHUNK:
            self._write()

    def _write(self) -> None:
        if self._pending:
            self._file.seek(0, 2)
            pickle.dump(self._pending, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._pending = []

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator:
        self._write()
        offset, end = 0, self._file.seek(0, 2)
        while offset < end:
            self._file.seek(offset)
            chunk = pickle.load(self._file)
            offset = self._file.tell()
            yield from chunk

    @property
    def on_disk(self) -> bool:
        """Whether the records have moved from memory to the temporary file."""
        return bool(getattr(self._file, "_rolled", False))

    def close(self) -> None:
        self._file.close()
        self._pending = []

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
