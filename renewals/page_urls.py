"""Pages of the renewals app, mounted at /renewals/."""

from renewals import import_pages
from renewals.pages import queue, team

# The team page's ``<table>.xlsx`` comes last: ``queue.xlsx`` is the queue's.
urlpatterns: list = [*queue.urlpatterns, *import_pages.urlpatterns, *team.urlpatterns]
