"""Serializer parts every app's endpoints share."""

from rest_framework import serializers


class DateRangeFilterSerializer(serializers.Serializer):
    """Optional ``from`` and ``to`` dates of a query; subclasses add their own filters."""

    from_ = serializers.DateField(required=False)
    to = serializers.DateField(required=False)

    def get_fields(self):
        # "from" is a Python keyword, so the field is declared as from_.
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields
