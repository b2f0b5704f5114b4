from django.urls import path

from core.pagecache import public_page
from films import views

app_name = "films"
# The query parameters the index reads; the page cache (core/pagecache.py) keys on these only.
LIST_PARAMS = ["genre", "year", "letter", "page"]

urlpatterns = [
    path("films/", public_page(views.FilmListView.as_view(), params=LIST_PARAMS), name="list"),
    path(
        "films/<slug:slug>/",
        # rpage: the page of reader reviews (comments.selectors.reader_reviews).
        public_page(views.FilmDetailView.as_view(), params=["page", "rpage"]),
        name="detail",
    ),
    path(
        "people/<slug:slug>/",
        public_page(views.PersonDetailView.as_view(), params=["page"]),
        name="person",
    ),
    path(
        "genres/<slug:slug>/",
        public_page(views.GenreDetailView.as_view(), params=["page"]),
        name="genre",
    ),
]
