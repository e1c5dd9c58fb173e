from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BancassuranceConfig(AppConfig):
    name = "bancassurance"
    verbose_name = _("Bancassurance")
