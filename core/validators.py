"""Validators for text a person or an import can fill in.

Every text field of the models takes TEXT_VALIDATORS; a form field that is not built from a
model field takes validate_no_control_characters (Django's form CharField already refuses NUL).
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# NUL is left to ProhibitNullCharactersValidator (one message per problem, not two).
_CONTROL_BUT_NUL_RE = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f]")


@deconstructible
class ProhibitControlCharactersValidator:
    """Refuses C0 control characters other than tab, newline and carriage return.

    They are invisible, nobody means to type them, and an XML document (a feed, an export)
    cannot carry them.
    """

    message = _(
        "This text contains an invisible control character (such as a vertical tab or a form "
        "feed) that cannot be saved. Please remove it; the rest of your text is kept."
    )
    code = "control_characters"

    def __call__(self, value):
        if value is not None and _CONTROL_BUT_NUL_RE.search(str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, ProhibitControlCharactersValidator)


validate_no_control_characters = ProhibitControlCharactersValidator()

# For model fields: together they refuse every C0 control character but \t, \n and \r.
TEXT_VALIDATORS = [ProhibitNullCharactersValidator(), validate_no_control_characters]
