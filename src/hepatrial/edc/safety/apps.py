from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "hepatrial.edc.safety"
    label = "safety"
