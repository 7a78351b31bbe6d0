from django.urls import path

from customers import views

urlpatterns = [
    path(
        "accounts/<str:number>/",
        views.AccountHistoryView.as_view(),
        name="customer-account",
    ),
    path(
        "contacts/<str:contact_id>/",
        views.ContactHistoryView.as_view(),
        name="customer-contact",
    ),
]
