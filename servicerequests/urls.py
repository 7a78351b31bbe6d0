from django.urls import path

from servicerequests import views

urlpatterns = [
    path("", views.QueueView.as_view(), name="sr-queue-default"),
    path("queue/<slug:slug>/", views.QueueView.as_view(), name="sr-queue"),
    path("new/", views.CreateView.as_view(), name="sr-create"),
    path("bulk/", views.BulkView.as_view(), name="sr-bulk"),
    path("<str:number>/", views.DetailView.as_view(), name="sr-detail"),
    path("<str:number>/take/", views.TakeView.as_view(), name="sr-take"),
    path("<str:number>/<slug:action>/", views.ActionView.as_view(), name="sr-action"),
]
