"""The framework's floor for `make bench`: the smallest Django project there is, one view that
answers "Hello, world.", no middleware, no database, no apps, served by the same production
server with the same workers as the site.

    gunicorn --config config/gunicorn.py benchmarks.floor
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="the-floor-benchmark-has-no-secrets",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)


def hello(request):
    return HttpResponse("Hello, world.", content_type="text/plain")


urlpatterns = [path("", hello)]

application = get_wsgi_application()
