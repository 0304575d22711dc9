class LgCodeConverter:
    """A 6-digit 地方公共団体コード in a URL (/082368/...)."""

    regex = "[0-9]{6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
