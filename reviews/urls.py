from django.urls import path

from core.pagecache import public_page
from reviews import feeds, views

app_name = "reviews"
# What a review page reads: the comment page and order, and the comment a reply is for
# (comments/threads.py). The page cache (core/pagecache.py) keys on these only.
REVIEW_PARAMS = ["cpage", "corder", "replytocom"]

urlpatterns = [
    path("", public_page(views.HomeView.as_view(), params=["page"]), name="home"),
    path(
        "reviews/<slug:slug>/",
        public_page(views.ReviewDetailView.as_view(), params=REVIEW_PARAMS),
        name="detail",
    ),
    # The review's link-preview picture (og:image); the digest names its version.
    path(
        "reviews/<slug:slug>/og-<slug:digest>.jpg",
        public_page(views.og_image_view),
        name="og_image",
    ),
    path(
        "authors/<slug:slug>/",
        public_page(views.AuthorDetailView.as_view(), params=["page"]),
        name="author",
    ),
    path("tags/", public_page(views.TagListView.as_view()), name="tags"),
    path(
        "tags/<slug:slug>/",
        public_page(views.TagDetailView.as_view(), params=["page"]),
        name="tag",
    ),
    path("tags/<slug:slug>/feed/", public_page(feeds.TagReviewsFeed()), name="tag_feed"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/reviews/", public_page(feeds.LatestReviewsFeed()), name="feed_rss"),
    path("feeds/reviews/atom/", public_page(feeds.LatestReviewsAtomFeed()), name="feed_atom"),
]
