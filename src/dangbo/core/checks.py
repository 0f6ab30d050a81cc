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
