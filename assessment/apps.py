from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_tables(sender, using, **kwargs):
    """A database cache (CACHE_URL=db://…) needs its table; migrating makes it, so that
    `migrate` stays the one set-up step on every machine."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "MLOps maturity assessment"

    def ready(self):
        post_migrate.connect(create_cache_tables, sender=self)
