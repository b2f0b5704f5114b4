"""The moderation queue at /moderation/ (moderators only)."""

from django.urls import path

from .views import moderation as views

app_name = "moderation"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("act/", views.ActionView.as_view(), name="act"),
    path("undo/", views.UndoView.as_view(), name="undo"),
    path("<int:pk>/edit/", views.EditView.as_view(), name="edit"),
]
