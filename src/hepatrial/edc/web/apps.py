from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hepatrial.edc.web"
    label = "web"
    verbose_name = "Web pages"
