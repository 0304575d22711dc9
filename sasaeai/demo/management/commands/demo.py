"""`sasaeai demo`: load the five seed plans as demo municipalities (idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sasaeai.demo import synthetic_survey
from sasaeai.demo.loader import DEMO_PASSWORD, SEED_MODULES, SeedError, ensure_admin, load_all


class Command(BaseCommand):
    help = "デモ用の自治体（5つの実在の計画）と利用者を登録します。2回目以降は何も重複させません。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--only", nargs="*", choices=SEED_MODULES, help="登録する自治体")
        parser.add_argument("--allow-production", action="store_true",
                            help="本番設定でも実行する（既知のパスワードの利用者を作ります）")

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False) and not options["allow_production"]:
            raise CommandError(
                "本番環境ではデモデータを登録しません（既知のパスワードの利用者が作られるため）。"
            )
        try:
            results = load_all(options["only"] or None)
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        admin_created = ensure_admin()
        survey_created = synthetic_survey.load()
        for result in results:
            state = "登録しました" if result.created else "登録済みです（変更なし）"
            self.stdout.write(f"{result.name}（{result.code}）：{state}")
        if survey_created:
            self.stdout.write(f"{synthetic_survey.ROUND_NAME}：登録しました（デモ用の合成データ）")
        self.stdout.write("")
        self.stdout.write("デモ用ログイン（デモ専用のパスワードです）")
        self.stdout.write(f"  パスワード（全員共通）：{DEMO_PASSWORD}")
        self.stdout.write(f"  admin  システム管理者（管理画面）{'' if admin_created else '・登録済み'}")
        for result in results:
            for username, display, role in result.users:
                self.stdout.write(f"  {username:<22} {display}（{role}）")
        self.stdout.write("事務局とシステム管理者は、最初のログインで認証アプリ（Google Authenticator、"
                          "Microsoft Authenticator、oathtool など）を登録し、以後はその確認コードも入力します。")
