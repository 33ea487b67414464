from django.apps import AppConfig


class QueriesConfig(AppConfig):
    name = "hepatrial.edc.queries"
    label = "queries"
