from django.db import models


class BinaryCharField(models.CharField):
    """A CharField compared byte by byte on every database.

    Used for keys whose order is defined by the application (tree paths, folded names, Vietnamese sort
    keys): range predicates (``path >= '1.5.' AND path < '1.5/'``) and ORDER BY must follow code-point
    order, not the database locale. PostgreSQL gets ``COLLATE "C"``; SQLite compares text with BINARY by
    default. The collation is chosen per connection so the same migration runs on both.
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
