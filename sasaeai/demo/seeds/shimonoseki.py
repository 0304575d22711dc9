"""下関市: 下関市地域福祉計画 第6章「計画の推進」 (seed 000_575948ff08344834.txt)."""

MUNICIPALITY = {
    "code": "352012",
    "name": "下関市",
    "kana": "しものせきし",
    "prefecture": "山口県",
    "organizations": [
        {"key": "city", "name": "下関市", "kind": "city"},
        {"key": "shakyo", "name": "下関市社会福祉協議会", "short_name": "社協", "kind": "shakyo"},
        {
            "key": "keikaku_suishin",
            "name": "下関市地域福祉計画策定推進会議",
            "kind": "committee",
            "parent": "city",
        },
        {
            "key": "katsudo_suishin",
            "name": "下関市地域福祉活動計画策定推進会議",
            "kind": "committee",
            "parent": "shakyo",
        },
        {
            "key": "shingikai",
            "name": "下関市地域福祉計画審議会",
            "kind": "committee",
            "parent": "city",
        },
        {
            "key": "katsudo_iinkai",
            "name": "下関市地域福祉活動計画策定委員会",
            "kind": "committee",
            "parent": "shakyo",
        },
    ],
    "areas": [],
    "plans": [
        {
            "key": "keikaku",
            "slug": "chiiki-fukushi-keikaku",
            "title": "下関市地域福祉計画",
            "kind": "community",
            "owners": ["city"],
            "generation": "",
            "predecessor": None,
            "start_fy": None,
            "end_fy": None,
            "status": "published",
            "source_document": "下関市地域福祉計画 第6章「計画の推進」",
            # Chapter 6 reviews the plan by 基本目標 and names no department for each: a sample.
            "reporting": {"level": "基本目標", "sample": ["city", "shakyo"]},
            "summary": (
                "下関市の地域福祉計画。市民、地域の活動団体、民生委員・児童委員、福祉員、事業者、"
                "下関市社会福祉協議会、下関市などあらゆる主体の協働により推進する。進捗は市の関係"
                "部局職員による「下関市地域福祉計画策定推進会議」と社協の「下関市地域福祉活動計画"
                "策定推進会議」が管理し、取組状況をホームページ等で公表するとともに「下関市地域福祉"
                "計画審議会」「下関市地域福祉活動計画策定委員会」へ報告して評価・意見を求め、次期"
                "計画に反映する。住民の孤立を防ぎ相談支援につなげる体制づくりのため、地域福祉"
                "連携組織を新たに設置する。3つの基本目標ごとに成果指標を置き、目標は方向（↗）で示す。"
            ),
            "actors": [
                {"key": "residents", "kind": "residents", "label": "市民の役割", "sphere": ""},
                {
                    "key": "community",
                    "kind": "community",
                    "label": "地域の活動団体の役割",
                    "sphere": "",
                },
                {
                    "key": "business",
                    "kind": "business",
                    "label": "社会福祉法人・社会福祉事業者の役割",
                    "sphere": "",
                },
                {
                    "key": "shakyo",
                    "kind": "shakyo",
                    "label": "下関市社会福祉協議会の役割",
                    "sphere": "",
                },
                {"key": "city", "kind": "city", "label": "市の役割", "sphere": ""},
            ],
            "statements": [
                {
                    "actor": "residents",
                    "text": (
                        "市民は福祉サービスの利用者であるとともに、地域福祉の担い手でもあります。"
                    ),
                    "detail": "",
                },
                {
                    "actor": "residents",
                    "text": (
                        "地域福祉についての理解を深め、自らが身近な地域で何ができるのか考え、"
                        "主体的に地域の福祉活動に参加することが求められています。"
                    ),
                    "detail": "",
                },
                {
                    "actor": "community",
                    "text": (
                        "それぞれがもつ特性や専門性を活かし、きめ細やかな活動により、公的なサービス"
                        "では対応できない地域の多様な生活課題を解決することが求められます。"
                    ),
                    "detail": (
                        "自治会や地区社会福祉協議会、ボランティア・市民活動団体、NPO 団体、"
                        "民生委員・児童委員、福祉員等の地域の活動団体"
                    ),
                },
                {
                    "actor": "business",
                    "text": (
                        "福祉サービスの提供者として、市民のニーズに積極的に応え、利用者の自立支援、"
                        "サービスの質の確保、利用者保護、情報提供・公開をはじめ、関係機関や他の"
                        "サービス事業者との連携の中で、包括的なサービスの提供が求められています。"
                    ),
                    "detail": "",
                },
                {
                    "actor": "business",
                    "text": "専門的な知識・技術を活かした地域福祉活動への支援が期待されています。",
                    "detail": "",
                },
                {
                    "actor": "shakyo",
                    "text": (
                        "地域福祉の推進を担う団体として、社会福祉を目的とする事業の実施、地域福祉"
                        "活動への市民参加の促進など、地域に密着した様々な事業を推進します。"
                    ),
                    "detail": "",
                },
                {
                    "actor": "shakyo",
                    "text": (
                        "地域福祉の推進・調整役として、地域の福祉課題、生活課題を的確に把握して市民"
                        "の生活を支援する活動を推進し、地域の活動団体、民間福祉団体の先導役として"
                        "連携強化を図ります。"
                    ),
                    "detail": "",
                },
                {
                    "actor": "city",
                    "text": (
                        "常に地域の実態や市民ニーズを把握し、市民や地域の活動団体などの自主的な"
                        "活動が促進されるよう、情報提供や関係機関との連携、交流機会の確保など、"
                        "基盤整備を推進します。"
                    ),
                    "detail": "",
                },
                {
                    "actor": "city",
                    "text": (
                        "本計画の基本理念に則り、地域福祉を推進するための取組を下関市社会福祉協議会"
                        "と一体となり、市民、地域の活動団体、民生委員・児童委員、福祉員、事業者等と"
                        "協働で推進します。"
                    ),
                    "detail": "",
                },
            ],
            "elements": [
                {
                    "key": "g1",
                    "level": "基本目標",
                    "number": "1",
                    "title": (
                        "“ふれあいの人づくり” 地域みんながふれあい、笑顔で支え合う心を育てよう"
                    ),
                    "priority": False,
                    "new": False,
                },
                {
                    "key": "g2",
                    "level": "基本目標",
                    "number": "2",
                    "title": (
                        "“ささえあいの輪づくり” "
                        "地域みんなが連携し、お互いに助け合える仕組みをつくろう"
                    ),
                    "priority": False,
                    "new": False,
                },
                {
                    "key": "g3",
                    "level": "基本目標",
                    "number": "3",
                    "title": (
                        "“あんしんの地域づくり” 地域みんなが健やかに安心して暮らせる環境をつくろう"
                    ),
                    "priority": False,
                    "new": False,
                },
            ],
            "challenges": [],
            "indicators": [
                {
                    "element": "g1",
                    "initiative": None,
                    "name": "地域の活動やボランティア・NPO活動に参加していると回答した人の割合",
                    "unit": "%",
                    "polarity": "higher",
                    "kind": "outcome",
                    "aggregation": "point",
                    "source_kind": "survey",
                    "source_text": "平成29年度市民アンケート",
                    "source_organization": None,
                    "note": "* 平成29年度市民アンケート",
                    "observations": [
                        {
                            "role": "baseline",
                            "verbatim": "27.5%",
                            "header": "現状値* (平成29年度市民アンケート)",
                        },
                    ],
                    "targets": [{"verbatim": "↗", "header": "目標の方向"}],
                },
                {
                    "element": "g1",
                    "initiative": None,
                    "name": (
                        "地域の暮らしや福祉に関する情報が十分に入手できると感じていると回答した人の"
                        "割合"
                    ),
                    "unit": "%",
                    "polarity": "higher",
                    "kind": "outcome",
                    "aggregation": "point",
                    "source_kind": "survey",
                    "source_text": "平成29年度市民アンケート",
                    "source_organization": None,
                    "note": "* 平成29年度市民アンケート",
                    "observations": [
                        {
                            "role": "baseline",
                            "verbatim": "37.8%",
                            "header": "現状値* (平成29年度市民アンケート)",
                        },
                    ],
                    "targets": [{"verbatim": "↗", "header": "目標の方向"}],
                },
                {
                    "element": "g2",
                    "initiative": None,
                    "name": "「地域における支え合い」を感じることができると回答した人の割合",
                    "unit": "%",
                    "polarity": "higher",
                    "kind": "outcome",
                    "aggregation": "point",
                    "source_kind": "survey",
                    "source_text": "平成29年度市民アンケート",
                    "source_organization": None,
                    "note": "* 平成29年度市民アンケート",
                    "observations": [
                        {
                            "role": "baseline",
                            "verbatim": "51.7%",
                            "header": "現状値* (平成29年度市民アンケート)",
                        },
                    ],
                    "targets": [{"verbatim": "↗", "header": "目標の方向"}],
                },
                {
                    "element": "g3",
                    "initiative": None,
                    "name": "地域の暮らしや福祉に関する相談体制に満足していると回答した人の割合",
                    "unit": "%",
                    "polarity": "higher",
                    "kind": "outcome",
                    "aggregation": "point",
                    "source_kind": "survey",
                    "source_text": "平成29年度市民アンケート",
                    "source_organization": None,
                    "note": "* 平成29年度市民アンケート",
                    "observations": [
                        {
                            "role": "baseline",
                            "verbatim": "29.2%",
                            "header": "現状値* (平成29年度市民アンケート)",
                        },
                    ],
                    "targets": [{"verbatim": "↗", "header": "目標の方向"}],
                },
            ],
        },
    ],
}
