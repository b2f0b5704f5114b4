"""Public links mailed to readers: confirm a subscription, unsubscribe, verify an address."""

from django.urls import path

from .views import subscriptions as views

app_name = "subscriptions"

urlpatterns = [
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("verify/", views.verify_email_request, name="verify_email_request"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
]
