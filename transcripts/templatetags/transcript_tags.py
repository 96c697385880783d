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
