"""Publishing a month's unit evaluation to the tenant (seed 002: 每月将考评结果予以公布).

Publishing snapshots the month's figures and ranks of every branch and
every team into ``UnitEvaluationRow``: from then on the month's evaluation
is what was published, whatever later corrections do to the facts. A month
is published once; the unique key (tenant, month) decides between two
managers publishing at the same moment.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dashboards.services import rollups
from salesops.org.models import Member, Tenant
from salesops.org.selectors import tenant_today
from targets.models import UnitEvaluation, UnitEvaluationRow
from targets.selectors import unit_evaluations as selectors


def require_publisher(actor: Member) -> None:
    """Only the company's managers and the tenant's administrators publish the evaluation."""
    if not selectors.reads_drafts(actor):
        raise PermissionDenied(_("Only a company manager or an administrator may publish the unit evaluation."))


def _already_published(publication: UnitEvaluation, tenant: Tenant) -> ValidationError:
    return ValidationError(
        {
            "month": [
                _("The unit evaluation of %(month)s was already published on %(when)s.")
                % {
                    "month": selectors.month_key(publication.month),
                    "when": selectors.published_on_text(publication, tenant),
                }
            ]
        }
    )


def _publication_of(tenant: Tenant, month: date) -> UnitEvaluation | None:
    return UnitEvaluation.objects.filter(tenant=tenant, month=month).first()


@transaction.atomic
def unit_evaluation_publish(*, tenant: Tenant, actor: Member, month: date, today: date | None = None) -> UnitEvaluation:
    """Publish ``month``'s evaluation of the branches and the teams; ``month`` is its first day.

    The month's rollups are first recomputed from the facts, so the snapshot
    holds every fact written up to now, not only those the incremental
    refresh has already served.
    """
    require_publisher(actor)
    today = today or tenant_today(tenant)
    month = month.replace(day=1)
    if not selectors.has_ended(month, today):
        raise ValidationError(
            {
                "month": [
                    _("%(month)s has not ended yet: it can be published from %(day)s.")
                    % {
                        "month": selectors.month_key(month),
                        "day": (selectors.month_last_day(month) + timedelta(days=1)).isoformat(),
                    }
                ]
            }
        )
    existing = _publication_of(tenant, month)
    if existing:
        raise _already_published(existing, tenant)
    try:
        # The row is written first: a second publisher's insert waits on the
        # unique key until this transaction ends, then fails.
        with transaction.atomic():
            publication = UnitEvaluation.objects.create(tenant=tenant, month=month, published_by=actor)
    except IntegrityError:
        raise _already_published(UnitEvaluation.objects.get(tenant=tenant, month=month), tenant) from None
    rollups.rebuild(tenant=tenant, start=month, end=selectors.month_last_day(month))
    live = selectors.live_rows(tenant=tenant, months=[month], kinds=selectors.EVALUATED_KINDS)
    UnitEvaluationRow.objects.bulk_create(
        [
            UnitEvaluationRow(
                tenant=tenant,
                evaluation=publication,
                unit_id=row["unit"],
                kind=row["kind"],
                name=row["name"],
                agents=row["agents"],
                producers=row["producers"],
                policies=row["policies"],
                activity=row["activity"],
                activity_per_agent=row["activity_per_agent"],
                active_producer_rate=row["active_producer_rate"],
                policies_per_agent=row["policies_per_agent"],
                rank=selectors.UNRANKED if row["rank"] is None else row["rank"],
            )
            for kind in selectors.EVALUATED_KINDS
            for row in live[(month, kind)]
        ]
    )
    return publication
