from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hepatrial.edc.accounts"
    label = "accounts"
    verbose_name = "Users and roles"
