"""The platform's URLs and its error handlers, plus a view that fails on every path kind, to see
how a server error reaches each kind of caller."""
from django.urls import path

from asrplatform.urls import handler404, handler500  # noqa: F401 (Django reads them here)
from asrplatform.urls import urlpatterns as platform


def _fails(request):
    raise RuntimeError("a bug")


urlpatterns = [path("api/fails/", _fails), path("v1/fails", _fails), path("fails/", _fails), *platform]
