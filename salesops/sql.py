"""PostgreSQL functions the ORM does not name: a continuous median and an interval in seconds."""

from django.db.models import Aggregate, FloatField, Func


class Median(Aggregate):
    """PostgreSQL's continuous median (``percentile_cont(0.5)``); NULLs are left out."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


class EpochSeconds(Func):
    """An interval in seconds (PostgreSQL ``EXTRACT(EPOCH FROM …)``)."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()
