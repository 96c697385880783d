from django.core.management.base import BaseCommand

from asrplatform.env import envsecret, envstr
from accounts.services import first_admin_ensure


class Command(BaseCommand):
    help = "Create the first administrator and team on a fresh install (ASR_ADMIN_USERNAME / ASR_ADMIN_PASSWORD)."

    def handle(self, *args, **options):
        username = envstr("ASR_ADMIN_USERNAME", "admin")
        user, generated = first_admin_ensure(username=username, password=envsecret("ASR_ADMIN_PASSWORD") or None)
        if generated:
            self.stdout.write(
                f"Created administrator '{username}' with the one-time password: {generated}\n"
                "Log in and change it (it is not shown again), or set ASR_ADMIN_USERNAME/ASR_ADMIN_PASSWORD."
            )
