"""Rating scales seen in municipalities' progress reviews, ready to adopt."""

from __future__ import annotations

from sasaeai.progress.models import RatingLevel, RatingScale
from sasaeai.tenancy.models import Municipality

# key → (name, [(code, label, definition), ...])
PRESETS: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "abcd": ("A〜Dの4段階", [
        ("A", "順調", "計画どおり、または計画以上に進んでいる"),
        ("B", "おおむね順調", "おおむね計画どおりに進んでいる"),
        ("C", "やや遅れ", "計画より遅れている"),
        ("D", "遅れ", "ほとんど進んでいない、または未着手"),
    ]),
    "abc": ("A〜Cの3段階", [
        ("A", "順調", "計画どおりに進んでいる"),
        ("B", "おおむね順調", "一部に遅れがある"),
        ("C", "遅れ", "計画より遅れている"),
    ]),
    "abc_lower": ("a〜cの3段階", [
        ("a", "達成", "目標を達成した"),
        ("b", "一部達成", "目標の一部を達成した"),
        ("c", "未達成", "目標を達成できなかった"),
    ]),
    "marks": ("◎○△×の4段階", [
        ("◎", "十分に取り組んだ", ""),
        ("○", "取り組んだ", ""),
        ("△", "一部取り組んだ", ""),
        ("×", "取り組めなかった", ""),
    ]),
    "five": ("5〜1の5段階", [
        ("5", "大いに進んだ", ""), ("4", "進んだ", ""), ("3", "どちらともいえない", ""),
        ("2", "あまり進まなかった", ""), ("1", "進まなかった", ""),
    ]),
    "sabc": ("S・A・B・C・−", [
        ("S", "目標を大きく上回った", ""), ("A", "目標を達成した", ""),
        ("B", "目標をおおむね達成した", ""), ("C", "目標を下回った", ""),
        ("-", "評価対象外", "当該年度に実施していない取組"),
    ]),
}


def scale_from_preset(municipality: Municipality, key: str) -> RatingScale:
    """The municipality's copy of a preset (created once; later edits are the municipality's)."""
    name, levels = PRESETS[key]
    scale, created = RatingScale.objects.get_or_create(municipality=municipality, name=name)
    if created:
        for order, (code, label, definition) in enumerate(levels):
            RatingLevel.objects.create(scale=scale, code=code, label=label,
                                       definition=definition, order=order)
    return scale
