from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "hepatrial.edc.api"
    label = "api"
    verbose_name = "REST API"
