"""System checks of the deployment settings (``dangbo check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def https_behind_a_proxy(app_configs, **kwargs):
    # `dangbo serve` speaks plain HTTP: HTTPS comes from a reverse proxy, which Django must be told to believe
    # (X-Forwarded-Proto), or every request looks like http and SECURE_SSL_REDIRECT redirects for ever.
    if getattr(settings, "HTTPS", False) and not getattr(settings, "TRUSTED_PROXIES", None):
        return [
            Warning(
                "DANGBO_HTTPS=1 nhưng chưa đặt DANGBO_TRUSTED_PROXIES.",
                hint="dangbo serve không tự phục vụ HTTPS: đặt DANGBO_TRUSTED_PROXIES là địa chỉ của máy chủ "
                "chuyển tiếp (reverse proxy) làm HTTPS, vd 127.0.0.1.",
                id="dangbo.W001",
            )
        ]
    return []


# --- PostgreSQL settings the performance figures need (README "Hiệu năng") -------------------------------------
# Database checks: run by `dangbo migrate` and `dangbo check --database default`.

SHARED_BUFFERS_FLOOR_MB = 1024  # below this, a national database (≈ 8 GB) is read mostly from the OS cache


@register(Tags.database)
def postgresql_settings(app_configs, databases=None, **kwargs):
    from django.db import DatabaseError, connections

    found = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        try:
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT current_setting('jit'), "
                    "(SELECT setting::bigint * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers'), "
                    "pg_database_size(current_database()) / 1048576"
                )
                jit, shared_mb, size_mb = cur.fetchone()
        except DatabaseError:  # no database yet: nothing to say
            continue
        if jit == "on":
            found.append(Warning(
                "PostgreSQL đang bật JIT (jit = on).",
                hint="JIT biên dịch lại mỗi câu SQL tổng hợp trên nhiều dòng (báo cáo, đếm toàn quốc) ở mỗi lần chạy: "
                "đo trên 5,6 triệu đảng viên thêm khoảng 75 ms mỗi câu mà không nhanh hơn. Tắt cho cơ sở dữ liệu "
                "của dangbo: ALTER DATABASE <tên> SET jit = off; (README, mục \"Hiệu năng\").",
                id="dangbo.W002",
            ))  # fmt: skip
        if shared_mb < SHARED_BUFFERS_FLOOR_MB and size_mb > 4 * shared_mb:
            found.append(Warning(
                f"PostgreSQL: shared_buffers = {shared_mb} MB cho cơ sở dữ liệu {size_mb:,} MB.",
                hint="Đặt shared_buffers khoảng 25% bộ nhớ máy (vd 4GB cho 16 GB) trong postgresql.conf rồi khởi "
                "động lại PostgreSQL; effective_cache_size khoảng 50–75% bộ nhớ (README, mục \"Hiệu năng\").",
                id="dangbo.W003",
            ))  # fmt: skip
    return found
