"""Number formatting shared by pages, feeds and mails."""

from decimal import Decimal, InvalidOperation


def format_score(value):
    """8 -> "8", 7.5 -> "7.5", 7.333 -> "7.3"; None (a review without a score) -> ""."""
    if value is None:
        return ""
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        return ""
    return f"{number:f}".removesuffix(".0")
