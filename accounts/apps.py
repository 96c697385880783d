from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and teams"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from asrplatform.private_files import make_sqlite_private

        connection_created.connect(make_sqlite_private, dispatch_uid="make_sqlite_private")
