"""Who may see a survey: only the 事務局 of its municipality (and the operator's superusers).

The answers are citizens' microdata: committee members, departments, viewers and the public see
survey figures only as aggregates on indicator pages. Anyone else gets a 404, exactly as for a
survey that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from sasaeai.accounts.access import get_municipality_for_user, is_secretariat
from sasaeai.surveys.models import SurveyRound
from sasaeai.tenancy.models import Municipality


def may_handle_surveys(user: Any, municipality: Municipality) -> bool:
    return bool(getattr(user, "is_superuser", False)) or is_secretariat(user, municipality)


def get_survey_municipality_for_user(user: Any, code: str) -> Municipality:
    municipality = get_municipality_for_user(user, code)
    if not may_handle_surveys(user, municipality):
        raise Http404("調査が見つかりません。")
    return municipality


def get_round_for_user(user: Any, code: str, pk: int) -> SurveyRound:
    municipality = get_survey_municipality_for_user(user, code)
    survey = get_object_or_404(SurveyRound, municipality=municipality, pk=pk)
    survey.municipality = municipality
    return survey
