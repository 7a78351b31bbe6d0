from django.urls import path

from savedviews import views

urlpatterns = [
    path("new/", views.SaveView.as_view(), name="savedview-create"),
    path("<str:pk>/", views.OpenView.as_view(), name="savedview-open"),
    path("<str:pk>/edit/", views.ManageView.as_view(), name="savedview-edit"),
    path("<str:pk>/rename/", views.RenameView.as_view(), name="savedview-rename"),
    path("<str:pk>/share/", views.ShareView.as_view(), name="savedview-share"),
    path("<str:pk>/delete/", views.DeleteView.as_view(), name="savedview-delete"),
]
