from django.contrib import admin
from django.urls import include, path

from config.views import HealthView, csp_report

urlpatterns = [
    path("", include("apps.articles.urls")),
    path("explorer/", include("apps.explorer.urls")),
    path("search/", include("apps.search.urls")),
    # /changes/, its feed and every published version of a page.
    path("", include("apps.changes.urls")),
    path("admin/", admin.site.urls),
    path("healthz", HealthView.as_view(), name="healthz"),
    path("csp-report/", csp_report, name="csp-report"),
    # sitemap.xml and robots.txt (config/sitemaps.py)
    path("", include("config.sitemaps")),
]

handler500 = "config.views.server_error"
