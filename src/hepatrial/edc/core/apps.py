from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hepatrial.edc.core"
    label = "core"
    verbose_name = "Audit and shared machinery"

    def ready(self) -> None:
        from hepatrial.edc.core import audit

        audit.connect()
