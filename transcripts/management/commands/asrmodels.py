from django.core.management.base import BaseCommand

from transcripts.recognition import model_catalogue


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.0f} MB" if size else "-"


class Command(BaseCommand):
    help = "List the recognition models: where they live, size, languages and whether they are ready."

    def handle(self, *args, **options):
        rows = [("MODEL", "READY", "SIZE", "LANGUAGES", "PATH", "DETAIL")]
        for s in model_catalogue():
            rows.append((s.name, "yes" if s.ready else "no", _megabytes(s.size_bytes), s.languages, s.path, s.detail))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]
            self.stdout.write("  ".join(cells))
        self.stdout.write(
            "\nYour own model: pass a directory to --model (CTranslate2 Whisper: model.bin + config.json; "
            "FunASR: config.yaml + model.pt)."
        )
