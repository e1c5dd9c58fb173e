"""What the page tests share: logging a client in, in a language, and reading an XLSX answer."""

import io

from openpyxl import load_workbook


def login(client, member, language=None):
    """Log ``client`` in as ``member``; ``language`` ("en") sets the language cookie (Chinese by default)."""
    client.force_login(member.user)
    if language:
        client.cookies["django_language"] = language
    return client


def workbook_rows(response) -> list[list]:
    """The first sheet's rows of an XLSX answer."""
    assert response.status_code == 200, response.content
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]
