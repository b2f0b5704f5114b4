"""A big generated site for benchmarks: `manage.py generate_site` and `make bench`.

Everything is inserted with bulk_create in batches, with primary keys chosen here, so a comment's
materialized path ("0000000012/0000000045") is known before the row is written and a million
comments need no second UPDATE each. So the generator must not run while the site takes writes
(it reads the highest ids first, then resets the sequences when done).

The text is original: sentences drawn from a small word list written for this file. Slugs start
with "g<seed>-", so a second run with the same seed is refused instead of clashing, and another
seed adds another site's worth.

Fields other engineers add later are handled at run time: a stored rendered comment body (filled
through comments.rendering when that module exists, since bulk_create skips save()), and a
denormalised comment count on reviews (refreshed through comments.counts, or one UPDATE).
"""

import importlib
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from comments.models import PATH_STEP, Comment
from core import pagecache
from core.progress import silent
from films.models import Credit, Film, Genre, Person
from reviews.models import RATING_VALUES, Author, Review

# Comments per depth in a review: the shape of the WordPress post the issue measured against
# (300 approved comments, threaded five deep). Other sizes keep these proportions.
WORDPRESS_SHAPE = (105, 84, 52, 36, 23)
BUSY_SIZES = (300, 10_000)
BATCH = 5_000
BODY_POOL = 4_096  # distinct comment bodies: rendering each once keeps a million rows fast

_WORDS_TEXT = (
    "quiet harbour lantern window river salt thread signal ember field orchard winter "
    "paper moon static bloom iron wood glass wing frequency map shadow ladder engine "
    "station morning evening weather voice silence music camera frame light colour pale "
    "bright slow sudden careful patient restless gentle stubborn tender hollow narrow wide "
    "warm cold distant close open hidden plain strange familiar early late scene shot cut "
    "score edit pace story ending opening middle turn twist moment actor actress director "
    "writer crowd audience stranger sister brother mother father neighbour captain keeper "
    "driver teacher stage street house garden bridge tower ferry train road coast island "
    "valley city village kitchen attic cellar corridor walks waits listens watches returns "
    "forgets remembers builds breaks carries keeps finds loses hides answers follows "
    "leaves arrives stays changes holds drifts rises falls grows fades lingers wanders "
    "hums flickers settles echoes unfolds honest clumsy lovely odd tidy loose sharp soft "
    "heavy light dry sweet bitter almost rarely often never always perhaps simply mostly "
    "nearly barely quite the a an this that every some its their our with without under "
    "over after before between through across beside against toward and but so yet because "
    "while although if when where which who"
)
WORDS = _WORDS_TEXT.split()
_FIRST_NAMES_TEXT = (
    "Ada Bram Cleo Dario Edda Fenn Greta Hal Ines Jory Kit Lio Mara Nils Odile Pim Quill "
    "Rosa Sten Tova Ula Vic Wren Xan Yara Zeb Amos Bea Cato Dora"
)
FIRST_NAMES = _FIRST_NAMES_TEXT.split()
_SURNAMES_TEXT = (
    "Marsh Holt Penn Vale Crane Dunmore Ashby Farrow Quarry Lindqvist Okafor Brandt "
    "Castell Moreau Halloran Ishida Novak Petrov Rowe Sandoval Tamm Ulrich Weld Yeats"
)
SURNAMES = _SURNAMES_TEXT.split()
GENRES = (
    "Drama",
    "Comedy",
    "Thriller",
    "Documentary",
    "Animation",
    "Romance",
    "Science fiction",
    "Horror",
    "Western",
    "Musical",
    "Mystery",
    "War",
)


@dataclass
class Plan:
    """What to generate. Zero of a kind is allowed (e.g. only the busy reviews)."""

    reviews: int = 20_000
    films: int = 5_000
    comments: int = 1_000_000
    busy: tuple = BUSY_SIZES  # one review per size, every comment approved, WordPress-shaped
    seed: int = 1


@dataclass
class Result:
    prefix: str
    counts: dict = field(default_factory=dict)
    busy_reviews: dict = field(default_factory=dict)  # size -> Review


class AlreadyGenerated(Exception):
    pass


# Text ------------------------------------------------------------------------------------


def _sentence(rng, low=6, high=16):
    words = rng.choices(WORDS, k=rng.randint(low, high))
    if len(words) > 8 and rng.random() < 0.4:
        words[rng.randint(3, len(words) - 3)] += ","
    text = " ".join(words)
    return text[0].upper() + text[1:] + ("?" if rng.random() < 0.08 else ".")


def _paragraph(rng, low, high):
    return " ".join(_sentence(rng) for _ in range(rng.randint(low, high)))


def _title(rng, words=2):
    return " ".join(w.capitalize() for w in rng.sample(WORDS[:120], words))


def _comment_body(rng):
    if rng.random() < 0.2:
        return "\n\n".join(_paragraph(rng, 1, 3) for _ in range(rng.randint(2, 3)))
    return _paragraph(rng, 1, 4)


def _review_body(rng):
    return "\n\n".join(_paragraph(rng, 3, 6) for _ in range(rng.randint(4, 6)))


def _reader_name(reader):
    return f"{FIRST_NAMES[reader % len(FIRST_NAMES)]} {SURNAMES[reader // 30 % len(SURNAMES)]}"


def _person_name(rng):
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


# Shapes ----------------------------------------------------------------------------------


def level_sizes(total, shape=WORDPRESS_SHAPE):
    """Comments per depth for a review of `total` comments, in the proportions of `shape`.

    Every level below the top has at least one parent above it: a level is never filled while
    the one above it is empty.
    """
    whole = sum(shape)
    sizes = [total * part // whole for part in shape]
    sizes[0] += total - sum(sizes)  # rounding goes to the top level
    for depth in range(1, len(sizes)):
        if sizes[depth - 1] == 0:
            sizes[0] += sizes[depth]
            sizes[depth] = 0
    return sizes


def thread_parents(sizes):
    """For each level, the index (in the level above) of each comment's parent.

    Replies are spread evenly over the comments of the level above, so threads have a mix of
    depths, as a real discussion does.
    """
    parents = [[None] * sizes[0]]
    for depth in range(1, len(sizes)):
        above = sizes[depth - 1]
        parents.append([i * above // sizes[depth] for i in range(sizes[depth])])
    return parents


# Writing ---------------------------------------------------------------------------------


def _next_pk(model):
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


@contextmanager
def _keep_given_dates(*models):
    """bulk_create runs auto_now(_add) fields' pre_save, which would stamp every row "now":
    for the duration, the dates set here are kept."""
    saved = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _comment_renderer():
    """(field name, function body -> HTML) when comments store a rendered body, else None."""
    names = {f.name for f in Comment._meta.concrete_fields}
    stored = next((n for n in ("body_html", "rendered_body", "body_rendered") if n in names), None)
    if stored is None:
        return None
    try:
        module = importlib.import_module("comments.rendering")
    except ImportError as error:
        raise RuntimeError(
            f"Comment.{stored} exists but comments.rendering does not: the generator cannot fill it"
        ) from error
    for name in ("render_comment_body", "render_body", "render"):
        function = getattr(module, name, None)
        if callable(function):
            return stored, function
    raise RuntimeError(f"comments.rendering has no render_comment_body() to fill {stored}")


class _Writer:
    """Buffers unsaved rows per model and writes them in batches: model instances with
    bulk_create; plain rows ({attname: value}, for the million comments) with COPY on
    PostgreSQL, which skips the ORM's per-field work, else with bulk_create too."""

    def __init__(self):
        self.pending = {}
        self.written = {}

    def add(self, obj):
        self._buffer(type(obj), obj)

    def add_row(self, model, values):
        self._buffer(model, values)

    def _buffer(self, model, item):
        rows = self.pending.setdefault(model, [])
        rows.append(item)
        if len(rows) >= BATCH:
            self.flush(model)

    def flush(self, model=None):
        for m in [model] if model else list(self.pending):
            rows = self.pending.get(m) or []
            if rows and isinstance(rows[0], dict):
                if connection.vendor == "postgresql":
                    _copy_rows(m, rows)
                else:
                    m.objects.bulk_create([m(**row) for row in rows], batch_size=BATCH)
            elif rows:
                m.objects.bulk_create(rows, batch_size=BATCH)
            self.written[m] = self.written.get(m, 0) + len(rows)
            self.pending[m] = []


def _copy_rows(model, rows):
    """COPY rows into the model's table; columns a row leaves out get the field's default.

    Row triggers (a reply on its parent's review) still run for COPY.
    """
    fields = model._meta.concrete_fields
    given = rows[0].keys()
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in given}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(
                [row[f.attname] if f.attname in row else defaults[f.attname] for f in fields]
            )


class _Generator:
    def __init__(self, plan, stdout=None, progress=silent):
        self.plan = plan
        self.progress = progress
        self.rng = random.Random(plan.seed)
        self.prefix = f"g{plan.seed}-"
        self.now = timezone.now().replace(microsecond=0)
        self.out = stdout
        self.writer = _Writer()
        self.renderer = _comment_renderer()
        self.rendered = {}
        self.next_comment = _next_pk(Comment)

    def say(self, message):
        if self.out is not None:
            self.out.write(message)

    # Rows that everything else points at.

    def genres(self):
        existing = {g.name: g for g in Genre.objects.all()}
        new = [
            Genre(name=name, slug=f"{self.prefix}{name.lower().replace(' ', '-')}")
            for name in GENRES
            if name not in existing
        ]
        Genre.objects.bulk_create(new)
        self.writer.written[Genre] = len(new)
        return list(Genre.objects.order_by("pk"))

    def authors(self, count):
        User = get_user_model()
        unusable = make_password(None)  # generated authors cannot sign in
        user_pk, author_pk = _next_pk(User), _next_pk(Author)
        users, authors = [], []
        for n in range(count):
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(SURNAMES)
            users.append(
                User(
                    pk=user_pk + n,
                    username=f"{self.prefix}author-{n}",
                    password=unusable,
                    first_name=first,
                    last_name=last,
                    email=f"{self.prefix}author-{n}@example.org",
                    is_staff=True,
                )
            )
            authors.append(
                Author(
                    pk=author_pk + n,
                    user_id=user_pk + n,
                    display_name=f"{first} {last}",
                    slug=f"{self.prefix}{first}-{last}-{author_pk + n}".lower(),
                    bio=_paragraph(self.rng, 1, 2),
                )
            )
        User.objects.bulk_create(users, batch_size=BATCH)
        Author.objects.bulk_create(authors, batch_size=BATCH)
        self.writer.written[Author] = len(authors)
        return [a.pk for a in authors]

    def films(self, count, genres):
        film_pk, person_pk = _next_pk(Film), _next_pk(Person)
        people = max(10, count)  # about five credits each
        for n in range(people):
            name = _person_name(self.rng)
            self.writer.add(
                Person(
                    pk=person_pk + n,
                    name=name,
                    slug=f"{self.prefix}{name.lower().replace(' ', '-')}-{person_pk + n}",
                    bio=_paragraph(self.rng, 1, 3),
                )
            )
        self.writer.flush(Person)
        film_genres = Film.genres.through
        credits = []
        for n in range(count):
            title = _title(self.rng, self.rng.randint(1, 3))
            year = self.rng.randint(1950, 2025)
            self.writer.add(
                Film(
                    pk=film_pk + n,
                    title=title,
                    slug=f"{self.prefix}{title.lower().replace(' ', '-')}-{year}-{film_pk + n}",
                    year=year,
                    runtime_minutes=self.rng.randint(75, 170),
                    certification=self.rng.choice(("U", "PG", "12A", "15", "18")),
                    synopsis=_paragraph(self.rng, 2, 4),
                    created_at=self.now,
                    updated_at=self.now,
                )
            )
            for genre in self.rng.sample(genres, self.rng.randint(1, min(3, len(genres)))):
                credits.append(film_genres(film_id=film_pk + n, genre_id=genre.pk))
            cast = self.rng.sample(range(people), 5)
            for order, (role, person) in enumerate(
                zip(("director", "writer", "cast", "cast", "cast"), cast, strict=True)
            ):
                credits.append(
                    Credit(
                        film_id=film_pk + n,
                        person_id=person_pk + person,
                        role=role,
                        character=_title(self.rng, 1) if role == "cast" else "",
                        billing_order=order,
                    )
                )
        self.writer.flush(Film)
        for row in credits:
            self.writer.add(row)
        self.writer.flush()
        return list(range(film_pk, film_pk + count))

    # Reviews and their comments.

    def review(self, pk, *, film_id, author_id, published_at, slug, headline=None):
        headline = headline or _title(self.rng, self.rng.randint(2, 4))
        return Review(
            pk=pk,
            film_id=film_id,
            author_id=author_id,
            headline=headline,
            slug=slug,
            standfirst=_sentence(self.rng, 10, 20),
            body=_review_body(self.rng),
            rating=self.rng.choice(RATING_VALUES),
            status=Review.Status.PUBLISHED,
            published_at=published_at,
            comments_open=True,
            created_at=published_at,
            modified_at=published_at,
        )

    def body_pool(self):
        if not hasattr(self, "_bodies"):
            self._bodies = [_comment_body(self.rng) for _ in range(BODY_POOL)]
        return self._bodies

    def comments(self, review, total, *, all_approved):
        """`total` comments on `review`, threaded in the WordPress proportions, oldest first."""
        if total <= 0:
            return
        sizes = level_sizes(total)
        parents = thread_parents(sizes)
        bodies = self.body_pool()
        span = max(self.now - review.published_at, timedelta(minutes=1))
        step = span / (total + 1)
        paths_above = []
        written = 0
        for depth, level in enumerate(parents):
            paths = []
            for parent_index in level:
                pk = self.next_comment
                self.next_comment += 1
                own = str(pk).zfill(PATH_STEP)
                path = own if parent_index is None else f"{paths_above[parent_index][1]}/{own}"
                parent_pk = None if parent_index is None else paths_above[parent_index][0]
                paths.append((pk, path))
                written += 1
                status = Comment.Status.APPROVED
                if not all_approved:
                    roll = self.rng.random()
                    if roll < 0.02:
                        status = Comment.Status.PENDING
                    elif roll < 0.04:
                        status = Comment.Status.SPAM
                reader = self.rng.randrange(5_000)
                body = self.rng.choice(bodies)
                row = {
                    "id": pk,
                    "review_id": review.pk,
                    "parent_id": parent_pk,
                    "path": path,
                    "depth": depth,
                    "name": _reader_name(reader),
                    "email": f"{self.prefix}reader-{reader}@example.net",
                    "body": body,
                    "rating": (
                        self.rng.randint(1, 10) if depth == 0 and self.rng.random() < 0.3 else None
                    ),
                    "status": status.value,
                    "created_at": review.published_at + step * written,
                    "has_spoilers": self.rng.random() < 0.03,
                }
                if self.renderer:
                    stored, render = self.renderer
                    if body not in self.rendered:
                        self.rendered[body] = str(render(body))
                    row[stored] = self.rendered[body]
                self.writer.add_row(Comment, row)
            paths_above = paths

    def run(self):
        plan = self.plan
        if Review.objects.filter(slug__startswith=self.prefix).exists():
            raise AlreadyGenerated(
                f"Reviews with slugs starting {self.prefix!r} exist: this seed was generated "
                "already. Pass another --seed to add more."
            )
        result = Result(prefix=self.prefix)
        genres = self.genres()
        want_reviews = plan.reviews + len(plan.busy)
        author_ids = self.authors(max(1, min(200, plan.reviews // 400))) if want_reviews else []
        film_ids = self.films(plan.films, genres) if plan.films else []
        if want_reviews and not film_ids:
            film_ids = self.films(max(1, len(plan.busy)), genres)
        review_pk = _next_pk(Review)

        # The busy reviews: each on its own film, a month old, every comment approved.
        busy_films = self.films(len(plan.busy), genres) if plan.busy else []
        for n, size in enumerate(plan.busy):
            review = self.review(
                review_pk,
                film_id=busy_films[n],
                author_id=author_ids[n % len(author_ids)],
                published_at=self.now - timedelta(days=30, hours=n),
                slug=f"{self.prefix}busy-{size}",
                headline=f"{_title(self.rng)}: {size:,} comments",
            )
            review_pk += 1
            self.writer.add(review)
            self.writer.flush(Review)
            self.comments(review, size, all_approved=True)
            result.busy_reviews[size] = review
        self.writer.flush()

        # The site: reviews every few hours back from yesterday, comments spread unevenly (a
        # few reviews draw many, most draw a handful), as on a real site.
        if plan.reviews:
            weights = [self.rng.paretovariate(1.5) for _ in range(plan.reviews)]
            scale = plan.comments / sum(weights)
            counts = [int(w * scale) for w in weights]
            for i in range(plan.comments - sum(counts)):
                counts[i % plan.reviews] += 1
            gap = timedelta(hours=8)
            oldest = self.now - timedelta(days=1) - gap * plan.reviews
            for n in range(plan.reviews):
                review = self.review(
                    review_pk,
                    film_id=self.rng.choice(film_ids),
                    author_id=self.rng.choice(author_ids),
                    published_at=oldest + gap * n,
                    slug=f"{self.prefix}review-{n}",
                )
                review_pk += 1
                self.writer.add(review)
                if n % 1_000 == 999 or n == plan.reviews - 1:
                    self.say(f"  {n + 1:,} reviews …")
            self.writer.flush(Review)
            first = review_pk - plan.reviews
            for n, count in self.progress(
                enumerate(counts), total=len(counts), desc="Comments, by review", unit="review"
            ):
                review = Review(pk=first + n, published_at=oldest + gap * n)
                self.comments(review, count, all_approved=False)
        self.writer.flush()
        _reset_sequences()
        _refresh_comment_counts(self.prefix)
        pagecache.content_changed()
        result.counts = {m._meta.verbose_name_plural: n for m, n in self.writer.written.items()}
        return result


def _reset_sequences():
    """Primary keys were chosen here: move the database's sequences past them."""
    models = [get_user_model(), Author, Genre, Person, Film, Credit, Review, Comment]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _refresh_comment_counts(prefix):
    """Denormalised counts on reviews, when the model keeps them (bulk_create skips signals)."""
    if "comment_count" not in {f.name for f in Review._meta.concrete_fields}:
        return
    reviews = Review.objects.filter(slug__startswith=prefix)
    try:
        from comments.counts import refresh_comment_counts
    except ImportError:  # the field without its module: count here, the same way
        approved = (
            Comment.objects.filter(review=OuterRef("pk"), status=Comment.Status.APPROVED)
            .order_by()
            .values("review")
            .annotate(n=Count("pk"))
            .values("n")
        )
        reviews.update(
            comment_count=Coalesce(Subquery(approved, output_field=IntegerField()), Value(0))
        )
        return
    refresh_comment_counts(list(reviews.values_list("pk", flat=True)))


def generate(plan, *, stdout=None, progress=silent):
    """Generates `plan` in one transaction; returns a Result (slug prefix, counts, busy reviews)."""
    with transaction.atomic(), _keep_given_dates(Film, Review, Comment):
        result = _Generator(plan, stdout=stdout, progress=progress).run()
    if connection.vendor == "postgresql":
        # Fresh statistics: until autovacuum gets round to it, the planner would take the new
        # tables for nearly empty ones.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return result
