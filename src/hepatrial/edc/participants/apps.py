from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "hepatrial.edc.participants"
    label = "participants"
