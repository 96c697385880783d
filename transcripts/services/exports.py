"""Transcripts exported as a table (CSV or JSON) and a job's files as a zip."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from transcripts.engine.formats import render, spreadsheet_safe
from transcripts.models import Job, Status
from transcripts.outputs import output_paths
from transcripts.selectors import transcript_result

EXPORT_FIELDS = ["id", "source_name", "status", "language", "duration", "text", "itn_text", "created_at"]


def transcripts_export(rows, fmt: str) -> str:
    """Transcript rows as CSV (UTF-8 with BOM, for Excel) or JSON."""
    import csv
    import io
    import json

    records = [
        {field: (str(getattr(t, field)) if field == "created_at" else getattr(t, field)) for field in EXPORT_FIELDS}
        | {"segments": t.segments}
        for t in rows
    ]
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({field: spreadsheet_safe(value) for field, value in record.items()} for record in records)
    return "\ufeff" + buffer.getvalue()


def job_export_zip(*, job: Job, formats: tuple[str, ...] = ("txt", "srt")) -> bytes:
    """A zip of each finished file's transcript in each format, names collision-free."""
    finished = list(job.transcripts.filter(status=Status.DONE).order_by("id"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for fmt in formats:
            names = output_paths([Path(t.source_name) for t in finished], Path(fmt), fmt)
            for transcript, name in zip(finished, names):
                archive.writestr(str(name), render(transcript_result(transcript), fmt))
    return buffer.getvalue()
