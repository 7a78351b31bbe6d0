"""Comments in the admin: read only. A comment is added from its record's page or the Web
API (the service records the event and notifies); here admins look, and may delete one
written by mistake, which deletes its files from the storage too."""

from django.contrib import admin
from django.db import transaction

from conversation.models import Attachment, Comment


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ("file_name", "content_type", "size")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("created_date", "record", "created_by", "internal")
    list_filter = ("internal",)
    # Numbers match exactly (an index each); words are looked for in the text.
    search_fields = ("=service_request__number", "=job__number", "=created_by__username", "text")
    list_select_related = ("service_request", "job", "created_by")
    readonly_fields = ("text", "internal", "created_by", "created_date", "service_request", "job")
    inlines = [AttachmentInline]
    date_hierarchy = "created_date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        self.delete_queryset(request, Comment.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        names = list(Attachment.objects.filter(comment__in=queryset).values_list("file", flat=True))
        super().delete_queryset(request, queryset)
        storage = Attachment._meta.get_field("file").storage
        # After commit: a rolled-back delete must keep the files its rows still point at.
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
