from django.apps import AppConfig


class Config(AppConfig):
    name = "dangbo.core"
    label = "core"

    def ready(self):
        from django.db.models.signals import post_migrate
        from django.utils.module_loading import autodiscover_modules

        from . import checks  # noqa: F401  (registers the deployment checks)
        from .models import DayOff
        from .policies import ReferencePolicy, register

        register(type("DayOffPolicy", (ReferencePolicy,), {"model": DayOff, "__module__": __name__}))
        # Every app's policies.py registers the permission policies of its models (core names no app).
        autodiscover_modules("policies")
        post_migrate.connect(_create_cache_table, sender=self)


def _create_cache_table(using="default", verbosity=1, **kwargs):
    """Every ``migrate`` (``dangbo serve`` runs it, so does a deployment) also creates the database cache's table
    when the cache is in the database (settings, no DANGBO_REDIS_URL); nothing when it exists or is Redis."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
