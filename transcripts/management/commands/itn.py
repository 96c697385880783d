import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from transcripts.engine.errors import EngineError
from transcripts.engine.itn import inverse_normalize
from transcripts.engine.languages import normalise_language


class Command(BaseCommand):
    help = "Inverse text normalisation: 二零二五年三月五号 → 2025年3月5号. Reads stdin lines when no text is given."

    def add_arguments(self, parser):
        parser.add_argument("text", nargs="*", help="text to normalise; omit to read lines from standard input")
        parser.add_argument("--language", default="zh", help="zh (default) or en; other languages pass through")

    def handle(self, *args, text, language, **options):
        try:
            language = normalise_language(language)
        except EngineError as e:
            raise CommandError(e.message) from None
        lines = [" ".join(text)] if text else (line.rstrip("\n") for line in sys.stdin)
        for line in lines:
            self.stdout.write(inverse_normalize(line, language, cache_dir=settings.ASR_MODEL_CACHE))
