from django.urls import path, re_path

from core.pagecache import public_page

from . import feeds
from .avatars import KEY_PATTERN
from .views import avatars, own, posting

app_name = "comments"

urlpatterns = [
    path("reviews/<slug:slug>/comments/", posting.post_comment, name="post"),
    path(
        "reviews/<slug:slug>/comments/feed/", public_page(feeds.ReviewCommentsFeed()), name="feed"
    ),
    path("comments/<int:pk>/", posting.permalink, name="permalink"),
    path("comments/<int:pk>/edit/", own.edit_own, name="edit"),
    path("comments/<int:pk>/delete/", own.delete_own, name="delete"),
    path("comments/<int:pk>/report/", own.report, name="report"),
    # The page's one report form: the button pressed names the comment (POST "comment").
    path("comments/report/", own.report_posted, name="report_posted"),
    re_path(rf"^avatars/(?P<key>{KEY_PATTERN})\.svg$", avatars.avatar, name="avatar"),
]
