"""Survey pages: only the 事務局 handles microdata; everyone else sees aggregates on indicators."""

import pytest
from django.test import Client
from django.urls import reverse

from sasaeai.audit.models import AuditEvent
from sasaeai.indicators.models import Observation
from sasaeai.surveys.microdata import parse_survey
from sasaeai.surveys.models import Respondent, SurveyMeasure, SurveyResult, SurveyRound
from sasaeai.surveys.tests.conftest import CODEBOOK, SurveyWorld, microdata
from sasaeai.testing import World

pytestmark = pytest.mark.django_db

CODE = "479001"  # ささえ市


def client_for(user) -> Client:
    client = Client()
    if getattr(user, "is_authenticated", False):
        client.force_login(user)
    return client


def routes(s: SurveyWorld) -> list[tuple[str, str, dict]]:
    pk = s.survey.pk
    return [
        ("get", reverse("surveys:list", args=[CODE]), {}),
        ("get", reverse("surveys:import", args=[CODE]), {}),
        ("post", reverse("surveys:import", args=[CODE]), {"name": "x", "year": "令和5年度"}),
        ("post", reverse("surveys:import_confirm", args=[CODE]), {"token": "x"}),
        ("get", reverse("surveys:detail", args=[CODE, pk]), {}),
        ("get", reverse("surveys:detail", args=[CODE, pk]) + "?q=問1&option_codes=1&by=地区"
         "&export=csv", {}),
        ("post", reverse("surveys:measure", args=[CODE, pk]),
         {"q": "問1", "option_codes": ["1"], "indicator": s.indicator.pk}),
        ("get", reverse("surveys:edit", args=[CODE, pk]), {}),
        ("post", reverse("surveys:edit", args=[CODE, pk]),
         {"name": "改名", "year": "令和元年度", "min_group_n": "10", "version": "1"}),
        ("get", reverse("surveys:codebook_template", args=[CODE]), {}),
        ("post", reverse("surveys:delete", args=[CODE, pk]), {"confirm_name": s.survey.name}),
    ]


def counts() -> tuple[object, ...]:
    return (list(SurveyRound.objects.values_list("name", "version")), Respondent.objects.count(),
            SurveyMeasure.objects.count(), SurveyResult.objects.count(),
            Observation.objects.count())


@pytest.mark.parametrize(("persona", "expected"), [
    ("担当課の田中", 404), ("社協の鈴木", 404), ("委員の高橋", 404), ("閲覧の伊藤", 404),
    ("他市の職員", 404), ("匿名の市民", 302),
])
def test_nobody_but_the_secretariat_reaches_a_survey_and_nothing_changes(
        surveyed: SurveyWorld, persona, expected):
    client = client_for(surveyed.world.personas()[persona])
    before = counts()
    for method, url, data in routes(surveyed):
        response = getattr(client, method)(url, data)
        assert response.status_code == expected, (persona, method, url)
        if expected == 302:
            assert response["Location"].startswith("/accounts/login/")
    assert counts() == before


def test_the_secretariat_reaches_every_survey_page(surveyed: SurveyWorld):
    client = client_for(surveyed.world.sato)
    for method, url, _data in routes(surveyed):
        if method == "get":
            assert client.get(url).status_code == 200, url
    page = client.get(reverse("tenancy:municipality", args=[CODE])).text
    assert "市民アンケート" in page
    assert "市民アンケート" not in client_for(surveyed.world.tanaka).get(
        reverse("tenancy:municipality", args=[CODE])).text


def upload(client: Client, data: bytes, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    post = {"name": "令和5年度市民意識調査", "year": "令和5年度", "min_group_n": "10",
            "sample_size": "600", **fields,
            "file": SimpleUploadedFile("r5.csv", data, content_type="text/csv"),
            "codebook": SimpleUploadedFile("codebook.csv", CODEBOOK, content_type="text/csv")}
    return client.post(reverse("surveys:import", args=[CODE]), post)


def test_it_previews_the_file_then_imports_it_on_confirmation(world: World):
    client = client_for(world.sato)
    response = upload(client, microdata(70, 80), plans=[world.published.pk])
    assert response.status_code == 200
    assert "回答者300人、3列を読み取りました" in response.text
    assert "まだ何も取り込んでいません" in response.text
    assert "参加している（1）：154" in response.text  # 70 + 80 + 4
    assert not SurveyRound.objects.filter(municipality=world.home).exists()
    token = response.context["token"]
    response = client.post(reverse("surveys:import_confirm", args=[CODE]), {"token": token})
    survey = SurveyRound.objects.get(municipality=world.home)
    assert response.status_code == 302 and response["Location"] == survey.get_absolute_url()
    assert (survey.name, survey.year, survey.year_kind) == ("令和5年度市民意識調査", 2023, "fiscal")
    assert survey.valid_responses == 300 and list(survey.plans.all()) == [world.published]
    assert survey.codebook_filename == "codebook.csv" and survey.imported_by == world.sato
    # The token is spent: a second confirmation imports nothing.
    again = client.post(reverse("surveys:import_confirm", args=[CODE]), {"token": token})
    assert again.status_code == 302 and SurveyRound.objects.count() == 2  # + the demo's


def test_a_bad_file_is_shown_with_its_errors_and_nothing_is_saved(world: World):
    client = client_for(world.sato)
    bad = microdata(70, 80).replace(b"\r\n3,1,1\r\n", b"\r\n3,1,7\r\n")
    response = upload(client, bad)
    assert response.status_code == 400
    assert "誤りが1件あるため、何も取り込めません。" in response.text
    assert "4行目・列「問1」：「7」はコードブックの選択肢（1、2、9）にありません。" in response.text
    assert "token" not in response.text.split("取り込む内容の確認")[1].split("ファイルを選び直す")[0]
    response = upload(client, microdata(70, 80), year="来年度")
    assert response.status_code == 400 and "「来年度」を年度として読み取れません" in response.text
    assert not SurveyRound.objects.filter(municipality=world.home).exists()


def test_it_tabulates_a_question_and_exports_what_is_shown(surveyed: SurveyWorld):
    client = client_for(surveyed.world.sato)
    url = surveyed.survey.get_absolute_url() + "?q=問1&option_codes=1&by=地区"
    page = client.get(url).text
    assert "東地区" in page and "41.4%" in page  # 60 of 145
    assert page.count("秘匿（回答が10人未満の区分") == 2  # 南, and 西 that would reveal it
    csv = client.get(url + "&export=csv")
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeff調査,設問,区分")
    assert "南地区,,,,,,秘匿" in text and "東地区,145,60,41.4," in text


def test_defining_an_indicator_shows_its_value_interval_breakdown_and_judgement(
        surveyed: SurveyWorld):
    client = client_for(surveyed.world.sato)
    response = client.post(reverse("surveys:measure", args=[CODE, surveyed.survey.pk]),
                           {"q": "問1", "option_codes": ["1"], "by": "地区",
                            "indicator": surveyed.indicator.pk})
    indicator_url = reverse("indicators:detail", args=[CODE, "dai3ji", surveyed.indicator.pk])
    assert response.status_code == 302 and response["Location"] == indicator_url
    assert AuditEvent.objects.filter(action="surveys.measure.compute",
                                     actor=surveyed.world.sato).count() == 1
    # The public reads the aggregate, never the answers.
    page = Client().get(indicator_url).text
    assert "42.8%" in page
    assert "95%信頼区間 37.2〜48.5%、n=290" in page
    assert "お住まいの地区別" in page and "秘匿（回答が少ない区分）" in page
    assert "「改善」です" in page or "「横ばい」です" in page
    assert "この調査の標本誤差（95%信頼区間" in page


def test_a_refused_definition_says_why_and_saves_nothing(surveyed: SurveyWorld):
    client = client_for(surveyed.world.sato)
    response = client.post(reverse("surveys:measure", args=[CODE, surveyed.survey.pk]),
                           {"q": "問1", "option_codes": ["1", "2"],
                            "indicator": surveyed.indicator.pk}, follow=True)
    assert "すべての選択肢を選ぶと割合は常に100%になります" in response.text
    assert not SurveyMeasure.objects.filter(indicator=surveyed.indicator).exists()


def test_deleting_needs_the_name_and_removes_the_answers(surveyed: SurveyWorld):
    client = client_for(surveyed.world.sato)
    url = reverse("surveys:delete", args=[CODE, surveyed.survey.pk])
    client.post(url, {"confirm_name": "違う名前"})
    assert Respondent.objects.filter(round=surveyed.survey).count() == 300
    response = client.post(url, {"confirm_name": surveyed.survey.name})
    assert response.status_code == 302
    assert not SurveyRound.objects.filter(pk=surveyed.survey.pk).exists()
    assert not Respondent.objects.filter(round_id=surveyed.survey.pk).exists()
    before = AuditEvent.objects.get(action="surveys.round.delete").before
    assert before is not None and before["respondents"] == 300


def test_the_secretariat_corrects_the_description_and_a_stale_form_is_refused(
        surveyed: SurveyWorld):
    client = client_for(surveyed.world.sato)
    url = reverse("surveys:edit", args=[CODE, surveyed.survey.pk])
    form = client.get(url)
    assert form.context["form"].initial["year"] == "令和元年度"
    data = {"name": "令和元年度 市民意識調査", "year": "令和元年度", "sample_size": "1000",
            "min_group_n": "10", "plans": [surveyed.world.published.pk], "version": "1",
            "population": "市内在住の18歳以上", "fieldwork_start": "2019/7/1",
            "fieldwork_end": "2019年7月31日"}
    assert client.post(url, data).status_code == 302
    survey = SurveyRound.objects.get(pk=surveyed.survey.pk)
    assert (survey.name, survey.sample_size, survey.response_rate, survey.version) == (
        "令和元年度 市民意識調査", 1000, 30, 2)
    assert survey.fieldwork_end is not None and survey.fieldwork_end.day == 31
    event = AuditEvent.objects.get(action="surveys.round.update")
    assert event.before is not None and event.before["sample_size"] == 600
    # The same form sent again carries version 1: refused, nothing changed.
    response = client.post(url, {**data, "name": "別の名前"})
    assert response.status_code == 409 and "他の人が調査の概要を変更した" in response.text
    assert SurveyRound.objects.get(pk=survey.pk).name == "令和元年度 市民意識調査"
    response = client.post(url, {**data, "version": "2", "sample_size": "10"})
    assert response.status_code == 400 and "有効回答数（300）より少なく" in response.text


def test_a_stricter_suppression_rule_recomputes_what_was_published(surveyed: SurveyWorld):
    client = client_for(surveyed.world.sato)
    client.post(reverse("surveys:measure", args=[CODE, surveyed.survey.pk]),
                {"q": "問1", "option_codes": ["1"], "by": "地区",
                 "indicator": surveyed.indicator.pk})
    observation = Observation.objects.get(indicator=surveyed.indicator, year=2019)
    assert [g["suppressed"] for g in observation.breakdown] == [False, True, True]
    client.post(reverse("surveys:edit", args=[CODE, surveyed.survey.pk]), {
        "name": surveyed.survey.name, "year": "令和元年度", "min_group_n": "146",
        "version": "1"})
    observation.refresh_from_db()
    assert [g["suppressed"] for g in observation.breakdown] == [True, True, True]
    response = client.post(reverse("surveys:edit", args=[CODE, surveyed.survey.pk]), {
        "name": surveyed.survey.name, "year": "令和5年度", "min_group_n": "146", "version": "2"})
    assert "調査年度は変更できません" in response.text


def test_the_codebook_template_is_a_codebook_the_importer_reads(world: World):
    response = client_for(world.sato).get(reverse("surveys:codebook_template", args=[CODE]))
    assert response["Content-Type"].startswith("text/csv")
    template = response.content
    data = "回答者番号,地区,年代,問1,ウェイト\r\n1,1,2,1,1.2\r\n2,2,1,9,0.8\r\n".encode()
    parsed = parse_survey(data, "a.csv", codebook=template, codebook_name="cb.csv")
    assert parsed.errors == [] and parsed.weight_column == "ウェイト"
    question = parsed.column("問1")
    assert question is not None and question.option("9") is not None
    assert question.option("9").is_missing  # type: ignore[union-attr]


def test_the_same_file_twice_is_pointed_out_before_import(surveyed: SurveyWorld):
    client = client_for(surveyed.world.sato)
    response = upload(client, microdata(60, 60), name="令和元年度調査（再）")
    assert "同じ内容のファイルが「令和元年度市民意識調査」として取り込み済みです" in response.text


def test_survey_pages_cost_the_same_queries_with_more_rounds(surveyed: SurveyWorld,
                                                            django_assert_max_num_queries):
    from sasaeai.surveys.tests.conftest import import_round

    client = client_for(surveyed.world.sato)
    list_url = reverse("surveys:list", args=[CODE])
    detail_url = surveyed.survey.get_absolute_url() + "?q=問1&option_codes=1&by=地区"
    client.get(list_url)
    with django_assert_max_num_queries(12) as few:
        client.get(list_url)
    with django_assert_max_num_queries(20) as detail:
        client.get(detail_url)
    for year in (2020, 2021, 2022):
        import_round(surveyed.world, f"{year}年度調査", year, microdata(50, 50))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "2022年度調査" in client.get(list_url).text
    with django_assert_max_num_queries(len(detail.captured_queries)):
        client.get(detail_url)
