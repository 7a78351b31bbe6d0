"""The customer's acceptance page (no sign-in): /accept/<signed token>/."""

from django.urls import path

from acceptance import views

urlpatterns = [
    path("accept/<str:token>/", views.AcceptanceLinkView.as_view(), name="acceptance-link"),
]
