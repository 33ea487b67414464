from django.apps import AppConfig


class CasebooksConfig(AppConfig):
    name = "hepatrial.edc.casebooks"
    label = "casebooks"
    verbose_name = "Casebook signatures"
