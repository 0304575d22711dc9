"""`sasaeai create_municipality CODE [--name 枚方市] [--kana …] [--prefecture …]
[--shakyo-only] [--secretariat-email …] [--secretariat-name …]`: open a new municipality from
its 地方公共団体コード and invite its first 事務局 (sasaeai/accounts/onboarding.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sasaeai.accounts.onboarding import create_municipality


class Command(BaseCommand):
    help = ("地方公共団体コードから自治体を作成し、最初の事務局を招待します。"
            "名称・よみ・都道府県は全国の一覧から補います。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="地方公共団体コード（検査数字を含む6桁。例：272108）")
        parser.add_argument("--name", default="", help="名称（一覧にあるコードなら省略できます）")
        parser.add_argument("--kana", default="", help="よみ（ひらがな）")
        parser.add_argument("--prefecture", default="", help="都道府県")
        parser.add_argument("--shakyo-only", action="store_true",
                            help="社会福祉協議会だけで使う（最初の組織を社協にする）")
        parser.add_argument("--secretariat-email", default="", help="最初の事務局のメールアドレス（招待を送ります）")
        parser.add_argument("--secretariat-name", default="", help="最初の事務局の氏名")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            opened = create_municipality(
                by=None, code=options["code"], name=options["name"], kana=options["kana"],
                prefecture=options["prefecture"], shakyo_only=options["shakyo_only"],
                secretariat_email=options["secretariat_email"],
                secretariat_name=options["secretariat_name"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        m = opened.municipality
        self.stdout.write(f"{m.prefecture}{m.name}（{m.code}、{m.kana}）を作成しました。"
                          f"最初の組織：{opened.organization.name}")
        if opened.invitation is not None:
            self.stdout.write(f"{opened.invitation.email} に事務局への招待を送りました"
                              f"（{opened.invitation.expires_at:%Y-%m-%d %H:%M} まで有効）。")
        else:
            self.stdout.write("事務局の招待は送っていません（--secretariat-email で送れます）。")
