from django.urls import path

from crm.staff_views import record_urls
from servicerequests import views

urlpatterns = record_urls(
    "sr",
    views,
    collection=[path("bulk/", views.BulkView.as_view(), name="sr-bulk")],
    record=[path("<str:number>/take/", views.TakeView.as_view(), name="sr-take")],
)
