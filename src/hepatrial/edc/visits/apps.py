from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "hepatrial.edc.visits"
    label = "visits"
