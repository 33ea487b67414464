from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "hepatrial.edc.outcomes"
    label = "outcomes"
