from django.urls import path

from . import feeds
from .views import own, posting

app_name = "comments"

urlpatterns = [
    path("reviews/<slug:slug>/comments/", posting.post_comment, name="post"),
    path("reviews/<slug:slug>/comments/feed/", feeds.ReviewCommentsFeed(), name="feed"),
    path("comments/<int:pk>/", posting.permalink, name="permalink"),
    path("comments/<int:pk>/edit/", own.edit_own, name="edit"),
    path("comments/<int:pk>/delete/", own.delete_own, name="delete"),
    path("comments/<int:pk>/report/", own.report, name="report"),
]
