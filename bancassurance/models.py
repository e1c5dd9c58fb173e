"""Banks and their branches (网点), the places bancassurance sales are made.

Issue 3 needs only what a sale record names: a branch by its code. Profiles,
staff rosters, contacts and events come with the bancassurance issue.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from salesops.org.models import TenantCodeModel


class Bank(TenantCodeModel):
    """A partner bank (工商银行 …), named by a code such as ``ICBC``."""

    class Meta(TenantCodeModel.Meta):
        verbose_name = _("bank")
        verbose_name_plural = _("banks")


class BankBranch(TenantCodeModel):
    """One bank branch (网点); imports name it by its code (``ICBC-310100``)."""

    bank = models.ForeignKey(
        Bank, on_delete=models.PROTECT, db_index=False, related_name="branches", verbose_name=_("bank")
    )

    class Meta(TenantCodeModel.Meta):
        verbose_name = _("bank branch")
        verbose_name_plural = _("bank branches")
        indexes = [models.Index(fields=["tenant", "bank"], name="banc_branch_tenant_bank_idx")]
