"""The navigation bar: which pages each role sees.

Each later feature adds its entries here; a role sees an entry only if it is
listed for it, so the bar never offers a page that would answer 403.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesops.org.models import LEADING_ROLES, Member
from salesops.tenancy import NotAMember, resolve_member

Role = Member.Role
ALL_ROLES = frozenset(Role.values)


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str
    roles: frozenset
    # A further condition on the member, for a page only some of a role may open.
    allows: Callable[[Member], bool] | None = None

    def shown_to(self, member: Member) -> bool:
        return member.role in self.roles and (self.allows is None or self.allows(member))


def _reads_renewals(member: Member) -> bool:
    from renewals.selectors.cases import reads_renewals

    return reads_renewals(member)


def _runs_bank_channel(member: Member) -> bool:
    # Bank staff their branches; the company's managers the whole channel. A
    # branch's manager leads no bank staff (the channel reports to the company).
    return member.role == Role.BANK_STAFF or member.sets_company_policy


ENTRIES = [
    NavEntry("home", _("Home"), ALL_ROLES),
    NavEntry(
        "dashboards-home", _("Dashboard"), frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.TENANT_ADMIN})
    ),
    NavEntry("activities-page", _("Work log"), frozenset({Role.AGENT, Role.SUPERVISOR})),
    NavEntry("activities-team-page", _("Morning review"), frozenset({Role.SUPERVISOR})),
    NavEntry(
        "activities-hero-board",
        _("Hero board"),
        frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.TENANT_ADMIN}),
    ),
    NavEntry("activities-reviews", _("Reviews"), frozenset({Role.SUPERVISOR, Role.MANAGER, Role.TENANT_ADMIN})),
    NavEntry("alerts-page", _("Alerts"), LEADING_ROLES | {Role.AGENT}),
    NavEntry("org-page", _("Organisation"), LEADING_ROLES),
    NavEntry("targets-page", _("Targets"), frozenset({Role.TENANT_ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.AGENT})),
    NavEntry("sales-page", _("Sales"), frozenset({Role.TENANT_ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.AGENT})),
    # The book links its funnel, objection library and rules.
    NavEntry(
        "customers-page", _("Customers"), frozenset({Role.TENANT_ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.AGENT})
    ),
    NavEntry(
        "renewals-page",
        _("Renewals"),
        frozenset({Role.TENANT_ADMIN, Role.MANAGER, Role.RENEWAL_LEAD, Role.RENEWAL_ADVISOR}),
        # A branch's manager has no renewal team; a company manager does.
        allows=_reads_renewals,
    ),
    NavEntry(
        "bancassurance-page",
        _("Bank channel"),
        frozenset({Role.TENANT_ADMIN, Role.MANAGER, Role.BANK_STAFF}),
        allows=_runs_bank_channel,
    ),
    NavEntry(
        "scorecards-page",
        _("Scorecards"),
        frozenset(
            {
                Role.TENANT_ADMIN,
                Role.MANAGER,
                Role.SUPERVISOR,
                Role.AGENT,
                Role.RENEWAL_LEAD,
                Role.RENEWAL_ADVISOR,
            }
        ),
    ),
    # Contests and the unit evaluation are published to the whole tenant.
    NavEntry("contests-page", _("Contests"), ALL_ROLES),
    NavEntry("api-docs", _("API"), frozenset({Role.TENANT_ADMIN})),
]


def entries_for(member: Member) -> list[dict]:
    return [{"url": reverse(e.url_name), "label": e.label, "name": e.url_name} for e in ENTRIES if e.shown_to(member)]


def navigation(request):
    """Template context processor: the member and their navigation entries."""
    if not request.user.is_authenticated:
        return {}
    member = getattr(request, "member", None)
    if member is None:
        try:
            member = request.member = resolve_member(request.user)
        except NotAMember:
            return {"nav_entries": []}
    entries = entries_for(member)
    unread = 0
    if any(entry["name"] == "alerts-page" for entry in entries):
        from dashboards.selectors.alerts import unread_count

        unread = unread_count(tenant=member.tenant, member=member)
    return {"member": member, "nav_entries": entries, "alerts_unread": unread}
