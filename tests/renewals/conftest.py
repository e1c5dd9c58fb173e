"""Renewal tests read API messages in English: the API answers in the tenant's language (Chinese) otherwise."""

import pytest


@pytest.fixture
def api_client_for(api_en):
    return api_en
