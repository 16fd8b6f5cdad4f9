from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("apps.articles.urls")),
    path("explorer/", include("apps.explorer.urls")),
    path("admin/", admin.site.urls),
]
