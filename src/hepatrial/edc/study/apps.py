from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "hepatrial.edc.study"
    label = "study"
    verbose_name = "Study"
