from django.urls import path

from reports import views

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("reports/<slug:slug>.csv", views.ChartCsvView.as_view(), name="report-csv"),
]
