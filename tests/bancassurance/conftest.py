"""Bank-channel tests read API messages in English: the API answers in the tenant's language (Chinese) otherwise."""

import pytest


@pytest.fixture
def api_client_for(api_client_for):
    def make(member):
        client = api_client_for(member)
        client.cookies["django_language"] = "en"
        return client

    return make
