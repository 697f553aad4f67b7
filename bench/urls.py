"""The portal's URLs plus /bench/baseline/, for benchmark runs only (bench.settings)."""

from django.urls import path

from bench.views import baseline
from portal.urls import handler400, handler403, handler404, handler500, urlpatterns

urlpatterns = [path("bench/baseline/", baseline, name="bench-baseline"), *urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
