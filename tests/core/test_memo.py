"""``core.memo``: a read-only page's repeated reads made once inside ``reading()``, every time outside it."""

from __future__ import annotations

from dangbo.core import memo


def test_once_keeps_the_first_answer_inside_a_block_only():
    calls = []

    def read():
        calls.append(1)
        return len(calls)

    assert memo.once("k", read) == 1 and memo.once("k", read) == 2  # outside a block: asked each time
    with memo.reading():
        assert memo.once("k", read) == 3 and memo.once("k", read) == 3  # asked once
        assert memo.once("other", read) == 4
        with memo.reading():  # nested: the outer block's answers
            assert memo.once("k", read) == 3
        assert memo.once("k", read) == 3
    assert memo.once("k", read) == 5  # the block ended: nothing kept
    assert memo.kept("k") is None


def test_keep_and_kept_within_a_block():
    memo.keep("x", 7)  # outside a block: nothing kept
    assert memo.kept("x") is None
    with memo.reading():
        memo.keep("x", 7)
        assert memo.kept("x") == 7
    with memo.reading():
        assert memo.kept("x") is None  # each block starts empty
