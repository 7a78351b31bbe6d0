from django.urls import path

from jobs import views

urlpatterns = [
    path("", views.QueueView.as_view(), name="job-queue-default"),
    path("queue/<slug:slug>/", views.QueueView.as_view(), name="job-queue"),
    path("new/", views.CreateView.as_view(), name="job-create"),
    path("<str:number>/", views.DetailView.as_view(), name="job-detail"),
    path("<str:number>/<slug:action>/", views.ActionView.as_view(), name="job-action"),
]
