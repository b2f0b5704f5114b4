from django.urls import path

from reviews import feeds, views

app_name = "reviews"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("reviews/<slug:slug>/", views.ReviewDetailView.as_view(), name="detail"),
    path("authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/reviews/", feeds.LatestReviewsFeed(), name="feed_rss"),
    path("feeds/reviews/atom/", feeds.LatestReviewsAtomFeed(), name="feed_atom"),
]
