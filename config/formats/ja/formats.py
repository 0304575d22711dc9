"""Input formats for Japanese users: Django's ja locale defines none (it would accept 04/01/2025)."""

DATE_INPUT_FORMATS = ["%Y/%m/%d", "%Y-%m-%d", "%Y年%m月%d日", "%Y.%m.%d"]
DATETIME_INPUT_FORMATS = [
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y年%m月%d日 %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d",
]
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日G:i"
SHORT_DATE_FORMAT = "Y/m/d"
NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = ","
