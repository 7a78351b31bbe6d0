from crm.staff_views import record_urls
from jobs import views

urlpatterns = record_urls("job", views)
