"""Imported text: HTML turned into plain text, invisible characters in names found.

Mura's texts are plain text (templates escape them), so markup from another system would show
as literal tags: it is removed with Django's `strip_tags` (kept by Django, no new dependency),
entities decoded, block ends kept as line breaks, script and style content dropped.
"""

import html
import re
import unicodedata

from django.utils.html import strip_tags

_MARKUP = re.compile(r"<[a-zA-Z!/?][^>]*>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_HIDDEN_ELEMENTS = re.compile(r"<(script|style)\b.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_BREAKS = re.compile(r"<br\s*/?>|</(p|div|li|h[1-6]|tr)\s*>", re.IGNORECASE)


def plain_text(value: str) -> tuple[str, bool]:
    """(the text without markup, whether there was any)."""
    if not _MARKUP.search(value):
        return value, False
    text = value
    for _ in range(3):  # entities may hide tags (&lt;b&gt;): strip what they decode to, too
        text = _BREAKS.sub("\n", _HIDDEN_ELEMENTS.sub("", text))
        text = html.unescape(strip_tags(text))
        if not _MARKUP.search(text):
            break
    text = re.sub(r"[ \t]+\n", "\n", re.sub(r"\n{3,}", "\n\n", text)).strip()
    return text, True


def hidden_characters(value: str) -> list[str]:
    """Control and format characters (bidi overrides, zero-width, soft hyphen...), described."""
    found = []
    for index, char in enumerate(value):
        if unicodedata.category(char) in ("Cc", "Cf"):
            name = unicodedata.name(char, "control character")
            found.append(f"U+{ord(char):04X} ({name}) at character {index + 1}")
    return found
