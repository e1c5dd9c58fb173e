"""Serve plotly.js from the installed plotly package, not from a CDN.

Many users sit on closed intranets, so the browser must get plotly.js from
our own static files; taking it from the Python package keeps the figure
JSON and the JavaScript at the same version.
"""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_JS = "plotly.min.js"
PREFIX = "vendor/plotly"


class PlotlyJsFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.location = Path(plotly.__file__).parent / "package_data"
        self.storage = FileSystemStorage(location=self.location)
        self.storage.prefix = PREFIX

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path == f"{PREFIX}/{PLOTLY_JS}":
            found = str(self.location / PLOTLY_JS)
            return [found] if (find_all or kwargs.get("all")) else found
        return [] if (find_all or kwargs.get("all")) else None

    def list(self, ignore_patterns):
        yield PLOTLY_JS, self.storage
