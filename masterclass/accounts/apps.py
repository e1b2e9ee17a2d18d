from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "masterclass.accounts"
    label = "accounts"
    verbose_name = "Accounts"
