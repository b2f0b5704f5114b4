"""Where a film's title files in the A–Z: its sort key and index letter.

Kept apart from the model so the data migration (films 0008) fills existing rows with the same
rule that Film.save() applies to new ones.
"""

import re
import unicodedata

# A leading article counts only as a whole word followed by more title: "Anora" and "A" stay.
LEADING_ARTICLE = re.compile(r"^(?:the|an|a)\s+(?=\w)", re.IGNORECASE)
LEADING_NON_WORD = re.compile(r"^[\W_]+")
OTHERS = "#"  # digits, and titles in other scripts
SORT_TITLE_LENGTH = 200  # folding may lengthen a title ("ß" is "ss"): cut to the column's size


def _fold(text):
    """Lower case without accents: "Élan" files beside "Elan", in every database's collation."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def sort_title(title):
    """The key the A–Z orders by: folded, without leading punctuation or article."""
    text = LEADING_NON_WORD.sub("", _fold(title.strip()))
    return LEADING_NON_WORD.sub("", LEADING_ARTICLE.sub("", text))[:SORT_TITLE_LENGTH]


def index_letter(title):
    """The letter a title is filed under, "A" to "Z", or "#" for anything else."""
    first = sort_title(title)[:1]
    return first.upper() if "a" <= first <= "z" else OTHERS
