"""The conversation's staff URLs: each record page's comment form, and the downloads."""

from django.urls import path

from conversation import views

urlpatterns = [
    path(
        "attachments/<str:attachment_id>/",
        views.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
    path(
        "conversation/requests/<str:number>/",
        views.ServiceRequestCommentView.as_view(),
        name="sr-comment",
    ),
    path("conversation/jobs/<str:number>/", views.JobCommentView.as_view(), name="job-comment"),
]
