from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("reviews/<slug:slug>/comments/", views.post_comment, name="post"),
    path("comments/<int:pk>/", views.permalink, name="permalink"),
    path("comments/<int:pk>/edit/", views.edit_own, name="edit"),
    path("comments/<int:pk>/delete/", views.delete_own, name="delete"),
    path("comments/<int:pk>/report/", views.report, name="report"),
]
