from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """Django's login form with the messages a Japanese user expects."""

    error_messages = {
        "invalid_login": "ユーザー名またはパスワードが正しくありません。"
        "大文字と小文字は区別されます。",
        "inactive": "このアカウントは利用停止中です。事務局にお問い合わせください。",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = "ユーザー名"
        self.fields["password"].label = "パスワード"
        self.fields["username"].widget = forms.TextInput(
            attrs={"autocomplete": "username", "autofocus": True, "autocapitalize": "none"}
        )
