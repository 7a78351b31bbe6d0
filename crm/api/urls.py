"""Every Web API method under /crmapi/rest/v2/, the schema, its docs, and a catch-all that
answers unknown methods with the envelope."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from conversation.api import views as conversation_views
from crm.api import methods as auth_methods
from crm.api.views import UnknownMethod, method_urls
from jobs.api import config_views as job_config
from jobs.api import views as job_views
from products.api import views as product_views
from reports.api import views as report_views
from servicerequests.api import config_views as sr_config
from servicerequests.api import views as sr_views
from webhooks.api import views as webhook_views

METHODS = [
    *auth_methods.VIEWS,
    *sr_views.VIEWS,
    *sr_config.VIEWS,
    *job_views.VIEWS,
    *job_config.VIEWS,
    *product_views.VIEWS,
    *report_views.VIEWS,
    *conversation_views.VIEWS,
    *webhook_views.VIEWS,
]

urlpatterns = [
    *method_urls(*METHODS),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^(?P<name>.*)$", UnknownMethod.as_view()),
]
