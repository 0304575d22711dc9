"""Rating marks are matched the way people type them, and the typed mark is kept."""

import pytest

from sasaeai.lib.marks import normalize_mark
from sasaeai.progress.scales import PRESETS, scale_from_preset
from sasaeai.testing import MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("typed", "key"), [
    ("Ｃ", "C"), ("Ⅽ", "C"), (" C ", "C"), ("〇", "○"), ("◯", "○"), ("✕", "×"), ("５", "5"),
    ("ー", "-"), ("−", "-"), ("－", "-"), ("ａ", "a"),
])
def test_it_folds_look_alike_marks(typed, key):
    assert normalize_mark(typed) == key


@pytest.mark.parametrize(("preset", "typed", "code"), [
    ("abcd", "Ｃ", "C"), ("abcd", "b", "B"), ("abc", "Ⅽ", "C"), ("abc_lower", "Ｂ", "b"),
    ("marks", "〇", "○"), ("marks", "◎", "◎"), ("marks", "✕", "×"), ("five", "５", "5"),
    ("sabc", "ー", "-"), ("sabc", "Ｓ", "S"),
])
def test_it_matches_a_typed_mark_to_the_scales_code(preset, typed, code):
    scale = scale_from_preset(MunicipalityFactory.create(), preset)
    level = scale.match(typed)
    assert level is not None and level.code == code


@pytest.mark.parametrize(("preset", "typed"), [
    ("abcd", "E"), ("abcd", ""), ("marks", "A"), ("five", "6"), ("sabc", "D"),
])
def test_it_does_not_guess_a_mark_the_scale_does_not_have(preset, typed):
    scale = scale_from_preset(MunicipalityFactory.create(), preset)
    assert scale.match(typed) is None


def test_it_offers_every_shape_seen_in_practice():
    shapes = {name for name, _ in PRESETS.values()}
    assert shapes == {"A〜Dの4段階", "A〜Cの3段階", "a〜cの3段階", "◎○△×の4段階", "5〜1の5段階",
                      "S・A・B・C・−"}
