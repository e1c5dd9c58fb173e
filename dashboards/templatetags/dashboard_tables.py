"""Template tags of the dashboards' tables and figures (dashboards/tables.py)."""

from django import template
from django.utils.html import format_html

from dashboards.tables import display

register = template.Library()


@register.simple_tag
def table_cell(row, column):
    """Render one cell: the value as its column shows it, linked when the row carries a link."""
    text = display(row.get(column.key), column.kind)
    url = row.get(column.link) if column.link else None
    if url:
        return format_html('<a href="{}" data-drill="{}">{}</a>', url, column.key, text)
    return text


@register.filter
def shown_as(value, kind):
    """Show a figure as a table column of ``kind`` would: ``{{ total|shown_as:"money" }}`` is in 万元."""
    return display(value, kind)
