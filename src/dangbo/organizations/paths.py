"""Materialised id paths: "1.7.42." is organization 42 under 7 under 1.

A subtree is the half-open range [path, path[:-1] + "/") — "/" is the character after "." — which
uses a plain B-tree index on both databases (the column has binary collation, see BinaryCharField).
"""

from django.db.models import F, Q
from django.db.models.lookups import GreaterThanOrEqual, LessThan

from dangbo.core.db import NoIndex


def child_path(parent_path: str, pk: int) -> str:
    return f"{parent_path}{pk}."


def subtree_q(path: str, field: str = "path", *, use_index: bool = True) -> Q:
    """Q for every row whose ``field`` lies in the subtree rooted at ``path`` (the root included).

    ``use_index=False`` keeps the planner from starting at the path index — for large subtrees listed in
    another index's order (see core.db.NoIndex).
    """
    if use_index:
        return Q(**{f"{field}__gte": path, f"{field}__lt": path[:-1] + "/"})
    column = NoIndex(F(field))
    return Q(GreaterThanOrEqual(column, path)) & Q(LessThan(column, path[:-1] + "/"))
