from django.apps import AppConfig


class CrfsConfig(AppConfig):
    name = "hepatrial.edc.crfs"
    label = "crfs"
