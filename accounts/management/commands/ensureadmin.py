from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import first_admin_ensure
from asrplatform.env import envsecret, envstr


class Command(BaseCommand):
    help = "Create the first administrator and team on a fresh install (ASR_ADMIN_USERNAME / ASR_ADMIN_PASSWORD)."

    def handle(self, *args, **options):
        username = envstr("ASR_ADMIN_USERNAME", "admin")
        try:
            user, generated = first_admin_ensure(username=username, password=envsecret("ASR_ADMIN_PASSWORD") or None)
        except ValidationError as e:
            raise CommandError(
                "ASR_ADMIN_PASSWORD is too weak: " + " ".join(e.messages)
                + " Choose a longer, uncommon one, or leave it unset for a generated one-time password."
            ) from e
        if generated:
            self.stdout.write(
                f"Created administrator '{username}' with the one-time password: {generated}\n"
                "Log in and change it (it is not shown again), or set ASR_ADMIN_USERNAME/ASR_ADMIN_PASSWORD."
            )
