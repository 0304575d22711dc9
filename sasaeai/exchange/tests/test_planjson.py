"""The plan file (sasaeai-plan 1.x): every demo plan goes out and comes back unchanged."""

import copy
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from sasaeai.audit.models import AuditEvent
from sasaeai.exchange.planimport import SCHEMA_PATH, PlanImportError, check_document, import_plan
from sasaeai.exchange.planjson import export_plan
from sasaeai.plans.models import Plan
from sasaeai.progress.models import Cycle, Entry
from sasaeai.testing import World

pytestmark = pytest.mark.django_db

DOCS_SCHEMA = Path(__file__).resolve().parents[3] / "docs" / "plan-format.schema.json"
DEMO_PLANS = [("082368", "dai3ji"), ("352012", "chiiki-fukushi-keikaku"), ("282103", "dai4ki"),
              ("092169", None), ("402036", "jiki"), ("402036", "dai2ki")]


def demo_plan(code: str, slug: str | None) -> Plan:
    plans = Plan.objects.select_related("municipality").filter(municipality__code=code)
    return plans.get(slug=slug) if slug else plans.get()


def test_the_schema_in_docs_is_the_one_the_importer_uses():
    assert DOCS_SCHEMA.read_text(encoding="utf-8") == SCHEMA_PATH.read_text(encoding="utf-8")


@pytest.mark.parametrize(("code", "slug"), DEMO_PLANS)
def test_every_demo_plan_round_trips_without_a_difference(code, slug):
    plan = demo_plan(code, slug)
    document = export_plan(plan)
    assert check_document(document) == []
    # Through text, as a file would carry it.
    text = json.dumps(document, ensure_ascii=False)
    result = import_plan(by=None, municipality=plan.municipality, doc=json.loads(text),
                         slug=f"{plan.slug}-copy")
    assert result is not None
    again = export_plan(Plan.objects.get(pk=result.plan.pk))
    assert again["plan"].pop("slug") == f"{plan.slug}-copy"
    document["plan"].pop("slug")
    assert again == document
    assert result.created == []  # organizations, areas and scales were all found by name


def test_the_document_holds_the_figures_and_the_cycle_as_written():
    kurume = export_plan(demo_plan("402036", "dai2ki"))
    consult = next(i for i in kurume["indicators"] if i["name"] == "地域包括支援センター等の相談件数")
    assert [(t["kind"], t["value"], t["verbatim"]) for t in consult["targets"]] == [
        ("at_least", "35000", "35,000 件以上")]
    shimotsuke = export_plan(demo_plan("092169", None))
    [cycle] = shimotsuke["cycles"]
    assert cycle["status"] == "published"
    names = {o["key"]: o["name"] for o in shimotsuke["organizations"]}
    assert {names[e["organization"]] for e in cycle["entries"]} == {"下野市", "下野市社会福祉協議会"}
    omitama = export_plan(demo_plan("082368", "dai3ji"))
    survey = next(i for i in omitama["indicators"] if i["name"].startswith("地域活動の参加状況"))
    latest = next(o for o in survey["observations"] if o["year"] == 2023)
    assert (latest["year"], latest["margin_basis"], len(latest["breakdown"])) == (2023, "sampling", 3)
    assert latest["ci_low"] < latest["value"] < latest["ci_high"]


def test_the_public_file_holds_only_published_cycles_and_no_names(world: World):
    from sasaeai.testing import build_review

    review = build_review(world)
    document = export_plan(review.cycle.plan, public=True)
    assert document["cycles"] == []  # 入力中
    full = export_plan(review.cycle.plan)
    assert [c["status"] for c in full["cycles"]] == [Cycle.Status.COLLECTING]
    shimotsuke = export_plan(demo_plan("092169", None), public=True)
    for cycle in shimotsuke["cycles"]:
        assert all("return_comment" not in e for e in cycle["entries"])
        assert all("author_label" not in o for o in cycle["opinions"])


def test_a_correction_a_waiver_and_a_withdrawal_travel_with_the_cycle():
    """下野市's published cycle, one report corrected after 確定 and the publication withdrawn:
    the file carries the 訂正 (date, reason), the waiver and the withdrawal, and comes back
    unchanged; the public file leaves the withdrawn cycle out."""
    from sasaeai.progress import actions, actions_states

    plan = demo_plan("092169", None)
    cycle = Cycle.objects.get(plan=plan)
    entry = cycle.entries.order_by("id").first()
    assert entry is not None
    entry.cycle = cycle
    actions.correct_entry(by=None, entry=entry, data={"progress": entry.progress + "（訂正）"},
                          reason="参加者数の誤記を訂正", expected_version=entry.version)
    Entry.objects.filter(pk=entry.pk).update(waiver_reason="記録のみ（提出済の報告）")
    cycle.refresh_from_db()
    actions_states.withdraw_publication(by=None, cycle=cycle, reason="集計の誤りのため",
                                        expected_version=cycle.version)
    document = export_plan(plan)
    [row] = document["cycles"]
    assert (row["status"], row["withdrawal_reason"]) == ("withdrawn", "集計の誤りのため")
    [corrected] = [e for e in row["entries"] if "corrections" in e]
    assert [c["reason"] for c in corrected["corrections"]] == ["参加者数の誤記を訂正"]
    assert corrected["waiver_reason"] == "記録のみ（提出済の報告）"
    assert check_document(document) == []
    result = import_plan(by=None, municipality=plan.municipality,
                         doc=json.loads(json.dumps(document, ensure_ascii=False)), slug="copy")
    assert result is not None
    again = export_plan(Plan.objects.get(pk=result.plan.pk))
    again["plan"].pop("slug"), document["plan"].pop("slug")
    assert again == document
    assert export_plan(plan, public=True)["cycles"] == []


def test_an_archived_element_and_initiative_stay_archived_in_the_copy():
    """久留米市 archives an element of its 体系 and a 取組 in the editor (廃止, ADR 0016's archive in a
    published plan): the file says when (1.2), and the copy made from it has them archived too,
    not back in force; the public file says so as the public pages do."""
    from django.utils import timezone

    from sasaeai.plans.models import Initiative, PlanElement

    initiative = Initiative.objects.filter(plan__municipality__code="402036").order_by("pk").first()
    assert initiative is not None
    plan = demo_plan("402036", initiative.plan.slug)
    element = PlanElement.objects.filter(plan=plan).order_by("-pk").first()
    assert element is not None
    when = timezone.now().replace(microsecond=0)
    PlanElement.objects.filter(pk=element.pk).update(archived_at=when)
    Initiative.objects.filter(pk=initiative.pk).update(archived_at=when)
    document = export_plan(plan)
    assert document["version"] == "1.2" and check_document(document) == []
    assert sum(e["archived_at"] is not None for e in document["elements"]) == 1
    assert sum(i["archived_at"] is not None for i in document["initiatives"]) == 1
    result = import_plan(by=None, municipality=plan.municipality,
                         doc=json.loads(json.dumps(document, ensure_ascii=False)), slug="copy")
    assert result is not None
    copy_ = result.plan
    assert PlanElement.objects.get(plan=copy_, title=element.title,
                                   number_label=element.number_label).archived_at == when
    assert Initiative.objects.get(plan=copy_, title=initiative.title,
                                  number_label=initiative.number_label).archived_at == when
    assert [e["title"] for e in export_plan(plan, public=True)["elements"]
            if e["archived_at"]] == [element.title]


def broken(**changes) -> dict:
    document = copy.deepcopy(export_plan(demo_plan("082368", "dai3ji")))
    for path, value in changes.items():
        node: Any = document
        *parents, last = path.split("__")
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is KeyError:
            del node[last]
        else:
            node[last] = value
    return document


@pytest.mark.parametrize(("changes", "message"), [
    ({"plan__kind": "national"}, "plan／kind：「national」は使えません（community、activity、"),
    ({"plan__title": KeyError}, "plan：項目「title」がありません。"),
    ({"indicators__0__order": "一"}, "indicators／1番目／order：値の型が違います（整数にしてください）。"),
    ({"indicators__0__targets__0__value": "90%"}, "indicators／1番目／targets／1番目／value："),
    ({"elements__1__parent": "E99"}, "elements／E2／parent：「E99」はelementsにありません。"),
    ({"format": "other"}, "ささえあいの計画ファイル（format が「sasaeai-plan」のJSON）ではありません。"),
    ({"version": "2.0"}, "計画ファイルの版「2.0」には対応していません（1.x に対応）。"),
])
def test_a_bad_document_is_refused_with_every_problem_and_nothing_saved(world: World, changes,
                                                                        message):
    before = Plan.objects.count()
    with pytest.raises(PlanImportError) as refused:
        import_plan(by=world.sato, municipality=world.home, doc=broken(**changes), slug="new")
    assert any(e.startswith(message) for e in refused.value.errors), refused.value.errors
    assert Plan.objects.count() == before


def test_a_taken_slug_is_refused_and_a_dry_run_saves_nothing(world: World):
    document = export_plan(demo_plan("082368", "dai3ji"))
    with pytest.raises(PlanImportError, match="URL名「dai3ji」の計画がすでにあります"):
        import_plan(by=world.sato, municipality=world.home, doc=document)
    result = import_plan(by=world.sato, municipality=world.home, doc=document, slug="omitama",
                         dry_run=True)
    assert result is not None and result.counts["indicators"] == 10
    assert not Plan.objects.filter(municipality=world.home, slug="omitama").exists()
    # Into another municipality, the organizations are made anew and said so.
    result = import_plan(by=world.sato, municipality=world.home, doc=document, slug="omitama")
    assert result is not None and "組織「小美玉市」" in result.created
    assert AuditEvent.objects.get(action="exchange.plan.import").actor == world.sato


@pytest.mark.parametrize("persona", ["担当課の田中", "委員の高橋", "閲覧の伊藤", "他市の職員"])
def test_only_the_secretariat_imports_a_plan(world: World, persona):
    with pytest.raises(PermissionDenied):
        import_plan(by=world.personas()[persona], municipality=world.home,
                    doc=export_plan(world.published), slug="copy")


def test_the_commands_write_and_read_the_file(tmp_path):
    path = tmp_path / "shimonoseki.json"
    call_command("export_plan", "352012/chiiki-fukushi-keikaku", "--output", str(path),
                 stdout=StringIO())
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "sasaeai-plan" and len(document["indicators"]) == 4
    out = StringIO()
    call_command("import_plan", str(path), "--municipality", "352012", "--slug", "copy",
                 "--title", "下関市地域福祉計画（写し）", stdout=out)
    assert "「下関市地域福祉計画（写し）」（copy）を登録しました" in out.getvalue()
    book = tmp_path / "shimonoseki.xlsx"
    call_command("export_plan", "352012/chiiki-fukushi-keikaku", "--format", "xlsx",
                 "--output", str(book), stdout=StringIO())
    out = StringIO()
    call_command("import_plan", str(book), "--municipality", "352012", "--slug", "from-book",
                 "--dry-run", stdout=out)
    assert "確認しました（--dry-run のため登録していません）" in out.getvalue()
    assert not Plan.objects.filter(slug="from-book").exists()
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="JSONとして読めません"):
        call_command("import_plan", str(path), "--municipality", "352012")
