"""<tier:…> in URL patterns: one of the reading depths, given to the view as a Tier."""

from django.urls import register_converter

from .models import Tier


class TierConverter:
    regex = "|".join(tier.value for tier in Tier)

    def to_python(self, value):
        return Tier(value)

    def to_url(self, value):
        return str(value)


register_converter(TierConverter, "tier")
