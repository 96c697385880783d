"""Template filters of the transcript pages."""
from django import template

register = template.Library()


@register.filter
def clock(seconds: float | None) -> str:
    """Seconds as a player shows them: 1:05.3, or 1:02:05.3 past an hour."""
    tenths = round(float(seconds or 0) * 10)
    hours, tenths = divmod(tenths, 36000)
    minutes, tenths = divmod(tenths, 600)
    text = f"{minutes:02d}:{tenths / 10:04.1f}" if hours else f"{minutes}:{tenths / 10:04.1f}"
    return f"{hours}:{text}" if hours else text


SNIPPET_CONTEXT = 40  # characters either side of the first match


@register.filter
def snippet(text: str, query: str) -> str:
    """The text around the first word of `query` it contains, each word of the query marked
    (<mark>), escaped; the start of the text when nothing matches."""
    import re

    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    text = text or ""
    words = [w for w in (query or "").split() if w]
    if not words:
        return text[: 2 * SNIPPET_CONTEXT] + ("…" if len(text) > 2 * SNIPPET_CONTEXT else "")
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    found = pattern.search(text)
    start = max(0, found.start() - SNIPPET_CONTEXT) if found else 0
    end = min(len(text), (found.end() if found else 0) + SNIPPET_CONTEXT if found else 2 * SNIPPET_CONTEXT)
    piece = text[start:end]
    marked, last = [], 0
    for match in pattern.finditer(piece):
        marked += [escape(piece[last:match.start()]), f"<mark>{escape(match.group())}</mark>"]
        last = match.end()
    marked.append(escape(piece[last:]))
    return mark_safe(("…" if start else "") + "".join(marked) + ("…" if end < len(text) else ""))


@register.filter
def language_name(code: str) -> str:
    """A language code as its own name (zh → 中文); empty stays empty."""
    from transcripts.language_names import native_name

    return native_name(code) if code else ""


@register.filter
def status_label(value: str) -> str:
    """A transcript or job status in the page's language."""
    from transcripts.models import Status

    return Status(value).label if value in Status.values else value


@register.filter
def error_text(row) -> str:
    """A transcript's (or a job file row's) error as the page shows it (see error_messages.py)."""
    from transcripts.error_messages import row_error

    return row_error(row)
