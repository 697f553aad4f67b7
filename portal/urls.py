from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import health, metrics, views

admin.site.site_header = _("One-stop portal administration")
admin.site.site_title = _("One-stop portal")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("procedures/", include("procedures.urls")),
    path("", include("dossiers.urls")),
    path("admin/", admin.site.urls),
    path("sms/", include("notifications.urls")),
    path("", include("feedback.urls")),
    path("thong-ke/", include("dashboard.urls")),
    path("", include("privacy.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # The split view serves its init script as a file: no inline script (CSP).
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="portal/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("api/v1/", include("portal.api_urls")),
]

if settings.DEBUG:
    urlpatterns += [path("__debug__/500/", views.server_error_preview)]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
