"""`sasaeai import_survey` and `sasaeai tabulate_survey --json`."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sasaeai.demo import synthetic_survey
from sasaeai.lib.stats import wilson_interval
from sasaeai.surveys.models import SurveyRound
from sasaeai.surveys.tests.conftest import CODEBOOK, microdata

pytestmark = pytest.mark.django_db


def tabulate(*args: str) -> list[dict]:
    out = StringIO()
    call_command("tabulate_survey", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_it_imports_a_file_with_its_codebook_and_tabulates_it(world, tmp_path):
    data, codebook = tmp_path / "r5.csv", tmp_path / "cb.csv"
    data.write_bytes(microdata(70, 80))
    codebook.write_bytes(CODEBOOK)
    out = StringIO()
    call_command("import_survey", str(data), "--municipality", "479001", "--round",
                 "令和5年度市民意識調査", "--fy", "令和5年度", "--codebook", str(codebook),
                 "--plan", "dai3ji", stdout=out)
    assert "回答者300人、3列を読み取りました。" in out.getvalue()
    survey = SurveyRound.objects.get(municipality=world.home)
    assert (survey.year, list(survey.plans.all())) == (2023, [world.published])
    rows = tabulate("--round", "令和5年度市民意識調査", "--municipality", "479001",
                    "--question", "問1", "--options", "1", "--by", "地区")
    assert [r["group"] for r in rows] == ["全体", "東地区", "西地区", "南地区"]
    total = rows[0]
    assert (total["n"], total["count"], total["suppressed"]) == (290, 154, False)
    assert (total["ci_low"], total["ci_high"]) == pytest.approx(wilson_interval(154, 290),
                                                                abs=1e-12)
    assert rows[3] == {"group": "南地区", "code": "3", "n": None, "count": None, "share": None,
                       "ci_low": None, "ci_high": None, "suppressed": True}
    assert rows[2]["suppressed"]  # would reveal 南 through the total


def test_a_bad_file_is_refused_with_its_errors_and_nothing_saved(world, tmp_path):
    data = tmp_path / "bad.csv"
    data.write_bytes(microdata(70, 80).replace(b"\r\n3,1,1\r\n", b"\r\n3,1,7\r\n"))
    codebook = tmp_path / "cb.csv"
    codebook.write_bytes(CODEBOOK)
    err = StringIO()
    with pytest.raises(CommandError, match="誤りが1件あるため、何も取り込みませんでした"):
        call_command("import_survey", str(data), "--municipality", "479001", "--round", "誤り",
                     "--fy", "2023", "--codebook", str(codebook), stderr=err)
    assert "4行目・列「問1」" in err.getvalue()
    assert not SurveyRound.objects.filter(municipality=world.home).exists()


def test_the_demo_survey_is_weighted_when_asked():
    unweighted = tabulate("--round", synthetic_survey.ROUND_NAME, "--question", "問8",
                          "--options", "1")
    weighted = tabulate("--round", synthetic_survey.ROUND_NAME, "--question", "問8",
                        "--options", "1", "--weight", "ウェイト")
    assert unweighted[0]["n"] == weighted[0]["n"]
    assert "effective_n" not in unweighted[0]
    assert weighted[0]["effective_n"] < weighted[0]["n"]
    assert weighted[0]["share"] != unweighted[0]["share"]


@pytest.mark.parametrize(("args", "message"), [
    (["--round", "ない調査", "--question", "問8", "--options", "1"], "見つかりません"),
    (["--round", synthetic_survey.ROUND_NAME, "--question", "問99", "--options", "1"],
     "設問「問99」がありません"),
    (["--round", synthetic_survey.ROUND_NAME, "--question", "問8", "--options", "7"],
     "選択肢「7」がありません"),
])
def test_it_says_what_it_cannot_find(args, message):
    with pytest.raises(CommandError, match=message):
        tabulate(*args)
