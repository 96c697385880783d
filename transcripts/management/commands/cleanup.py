from django.core.management.base import BaseCommand, CommandError

from transcripts.services import transcripts_delete_older_than


class Command(BaseCommand):
    help = "Delete transcripts (and their stored audio) older than N days."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, required=True)

    def handle(self, *args, older_than_days, **options):
        if older_than_days < 1:
            raise CommandError("--older-than-days must be at least 1.")
        count = transcripts_delete_older_than(days=older_than_days)
        self.stdout.write(f"Deleted {count} transcript(s) older than {older_than_days} day(s).")
