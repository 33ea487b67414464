from django.apps import AppConfig


class RandomizationConfig(AppConfig):
    name = "hepatrial.edc.randomization"
    label = "randomization"
