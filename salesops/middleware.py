"""Pick the UI language: the user's own choice, else the tenant's, else Chinese."""

from django.conf import settings
from django.utils import translation


class TenantLocaleMiddleware:
    """Activate the language for the request.

    Unlike Django's LocaleMiddleware this ignores the browser's
    Accept-Language: the product's default is Simplified Chinese (or the
    tenant's language), and the user switches with the language form, which
    stores the choice in the language cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            tenant = getattr(request.user, "tenant", None) if request.user.is_authenticated else None
            language = tenant.language if tenant and tenant.language in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
