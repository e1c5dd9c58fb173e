"""Pages of the bancassurance app, mounted at /bancassurance/."""

from bancassurance.pages import branch, channel

# The channel page's ``<table>.xlsx`` comes last.
urlpatterns: list = [*branch.urlpatterns, *channel.urlpatterns]
