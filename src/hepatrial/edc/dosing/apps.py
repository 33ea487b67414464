from django.apps import AppConfig


class DosingConfig(AppConfig):
    name = "hepatrial.edc.dosing"
    label = "dosing"
