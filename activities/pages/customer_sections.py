"""The customer page's sections contributed by the other parts of the book (funnel, tiers and needs, objections).

The customer page (``activities.pages.customers``) renders, after its own
facts, every registered section in order: a section is a function
``(request, customer, full) -> dict | None`` returning ``{"template": ...,
**context}`` (``None``: nothing to show). ``full`` says whether the viewer
reads the customer's personal data in full. A section's forms post to its
own part's URL, which redirects back to the customer page.
"""

from collections.abc import Callable
from typing import Any

Section = Callable[[Any, Any, bool], dict[str, Any] | None]
SECTIONS: list[Section] = []


def register(section: Section) -> Section:
    SECTIONS.append(section)
    return section


def sections_for(request, customer, full: bool) -> list[dict[str, Any]]:
    return [shown for section in SECTIONS if (shown := section(request, customer, full)) is not None]
