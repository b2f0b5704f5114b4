"""Characters that text from outside must not carry into the database, a URL or an XML document.

- Control characters: the C0 range (U+0000–U+001F) except tab, newline and carriage return.
  Nobody types them, XML 1.0 cannot carry them, and PostgreSQL refuses NUL in text.
- XML 1.0 also has no place for U+FFFE, U+FFFF or a lone surrogate (xml_safe() drops those too).
"""

import re

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XML_INVALID_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# In a web address nothing below U+0020 belongs, nor DEL (RFC 3986 has no place for them).
_URL_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def has_control_characters(text) -> bool:
    """True when `text` holds a C0 control character other than tab, newline or return."""
    return bool(_CONTROL_RE.search(str(text)))


def strip_control_characters(text) -> str:
    """`text` without its C0 control characters (tab, newline and return are kept)."""
    return _CONTROL_RE.sub("", str(text))


def xml_safe(text) -> str:
    """`text` without what an XML 1.0 document cannot carry, for feeds, sitemaps and exports."""
    return _XML_INVALID_RE.sub("", str(text))


def has_url_control_characters(text) -> bool:
    """True when a (percent-decoded) path or query holds any C0 control character or DEL."""
    return bool(_URL_CONTROL_RE.search(text))
