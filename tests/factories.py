"""factory_boy factories for the models; tests build exactly the data they need."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from comments.models import Comment
from films.models import Credit, Film, Genre, Person
from reviews.models import Author, Review


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get(name=name))


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Genre
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Genre {n}")
    slug = factory.LazyAttribute(lambda g: g.name.lower().replace(" ", "-"))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.Sequence(lambda n: f"person-{n}")


class FilmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Film

    title = factory.Sequence(lambda n: f"Film {n}")
    slug = factory.Sequence(lambda n: f"film-{n}")
    year = 2013
    certification = "R"
    runtime_minutes = 126
    synopsis = "A lonely writer falls for an operating system."


class CreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credit

    film = factory.SubFactory(FilmFactory)
    person = factory.SubFactory(PersonFactory)
    role = Credit.Role.DIRECTOR


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    user = factory.SubFactory(UserFactory, is_staff=True, groups=["Authors"])
    display_name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")
    bio = "I'm the person behind this blog."


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    film = factory.SubFactory(FilmFactory)
    author = factory.SubFactory(AuthorFactory)
    headline = factory.Sequence(lambda n: f"Review headline {n}")
    slug = factory.Sequence(lambda n: f"review-{n}")
    standfirst = "A short summary of the review."
    body = "First paragraph of the review.\n\nSecond paragraph."
    rating = Decimal("8")
    status = Review.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    review = factory.SubFactory(ReviewFactory)
    name = factory.Sequence(lambda n: f"Reader {n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.net")
    body = "I enjoyed this review."
    status = Comment.Status.APPROVED
