"""Who made a film, grouped by role, from credits already prefetched with their people."""

from dataclasses import dataclass, field

from films.models import Credit

TOP_CAST = 5  # how many actors a review's film card lists


@dataclass
class FilmCredits:
    directors: list = field(default_factory=list)
    writers: list = field(default_factory=list)
    cast: list = field(default_factory=list)  # Credit rows, for the character names

    @property
    def top_cast(self):
        return self.cast[:TOP_CAST]

    @property
    def director(self):
        return self.directors[0] if self.directors else None


def credits_by_role(film):
    """Directors and writers (Person) and cast (Credit) in billing order, with no new query.

    Works from `film.credits.all()`, so call it on a film loaded with `Film.objects.with_people()`
    (or a prefetch of `film__credits__person`).
    """
    result = FilmCredits()
    ordered = sorted(film.credits.all(), key=lambda c: (c.billing_order, c.pk))
    for credit in ordered:
        if credit.role == Credit.Role.DIRECTOR:
            result.directors.append(credit.person)
        elif credit.role == Credit.Role.WRITER:
            result.writers.append(credit.person)
        elif credit.role == Credit.Role.CAST:
            result.cast.append(credit)
    return result
