"""Serializer parts the activities endpoints share."""

from rest_framework import serializers


class ItemCountsSerializer(serializers.Serializer):
    """The five work-log items (DESIGN.md glossary), one whole number each."""

    phone_appointments = serializers.IntegerField()
    sales_interviews = serializers.IntegerField()
    recruiting_interviews = serializers.IntegerField()
    new_prospects = serializers.IntegerField()
    referrals = serializers.IntegerField()
