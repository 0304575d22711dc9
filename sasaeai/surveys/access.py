"""Fetch a survey round for a user. Only the 事務局 of its municipality (and the operator's
superusers) handle surveys (`Standing.can_handle_surveys`): the answers are citizens' microdata.
Anyone else gets a 404, exactly as for a survey that does not exist."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from sasaeai.accounts.access import get_survey_municipality_for_user
from sasaeai.surveys.models import SurveyRound

__all__ = ["get_round_for_user", "get_survey_municipality_for_user"]


def get_round_for_user(user: Any, code: str, pk: int) -> SurveyRound:
    municipality = get_survey_municipality_for_user(user, code)
    survey = get_object_or_404(SurveyRound, municipality=municipality, pk=pk)
    survey.municipality = municipality
    return survey
