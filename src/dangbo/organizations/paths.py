"""Materialised id paths: "1.7.42." is organization 42 under 7 under 1.

A subtree is the half-open range [path, path[:-1] + "/") — "/" is the character after "." — which
uses a plain B-tree index on both databases (the column has binary collation, see BinaryCharField).
"""

from django.db.models import Q


def child_path(parent_path: str, pk: int) -> str:
    return f"{parent_path}{pk}."


def subtree_q(path: str, field: str = "path") -> Q:
    """Q for every row whose ``field`` lies in the subtree rooted at ``path`` (the root included)."""
    return Q(**{f"{field}__gte": path, f"{field}__lt": path[:-1] + "/"})
