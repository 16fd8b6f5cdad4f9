from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def hello(request):
    return HttpResponse("Hello, world.", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), *site_urlpatterns]
