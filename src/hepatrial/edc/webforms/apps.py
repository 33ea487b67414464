from django.apps import AppConfig


class WebformsConfig(AppConfig):
    name = "hepatrial.edc.webforms"
    label = "webforms"
    verbose_name = "Data-entry forms"
