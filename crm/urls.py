from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from crm import health, notification_views, search_views, staff_views
from crm.security import ThrottledAdminAuthenticationForm

# The admin's own sign-in page shares the staff sign-in throttle.
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("", staff_views.home, name="home"),
    path("health/", health.health, name="health"),
    path("accounts/login/", staff_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", staff_views.NotificationListView.as_view(), name="notifications"),
    path(
        "notifications/preferences/",
        notification_views.NotificationPreferencesView.as_view(),
        name="notification-preferences",
    ),
    path("search/", search_views.SearchView.as_view(), name="search"),
    path("requests/", include("servicerequests.urls")),
    path("jobs/", include("jobs.urls")),
    path("views/", include("savedviews.urls")),
    path("customers/", include("customers.urls")),
    path("", include("reports.urls")),
    # Attachment downloads and the record pages' comment forms (contract section 14).
    path("", include("conversation.urls")),
    # The customer's acceptance link page, no sign-in (contract section 12).
    path("", include("acceptance.urls")),
    path("admin/", admin.site.urls),
    path("crmapi/rest/v2/", include("crm.api.urls")),
]

handler400 = "crm.views.bad_request"
handler403 = "crm.views.permission_denied"
handler404 = "crm.views.page_not_found"
handler500 = "crm.views.server_error"
