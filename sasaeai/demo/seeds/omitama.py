"""小美玉市: 第3次小美玉市地域福祉計画 概要版 (seed 003_b0c3c8aac5bc6577.txt)."""

MUNICIPALITY = {
    "code": "082368",
    "name": "小美玉市",
    "kana": "おみたまし",
    "prefecture": "茨城県",
    "organizations": [
        {"key": "city", "name": "小美玉市", "kind": "city"},
        {"key": "shakyo", "name": "小美玉市社会福祉協議会", "short_name": "社協", "kind": "shakyo"},
        {"key": "bousai", "name": "防災管理課", "kind": "department", "parent": "city"},
        {"key": "kyodo", "name": "市民協働課", "kind": "department", "parent": "city"},
    ],
    "areas": [],
    "plans": [
        {
            "key": "dai2ji",
            "slug": "dai2ji",
            "title": "小美玉市地域福祉計画（第2次計画）",
            "kind": "community",
            "owners": ["city"],
            "generation": "第2次",
            "predecessor": None,
            "start_fy": 2016,
            "end_fy": 2020,
            "status": "adopted",
            "source_document": "第3次小美玉市地域福祉計画 概要版（令和3年3月） 3 計画の期間",
            "summary": (
                "平成28年度から令和2年度までの小美玉市地域福祉計画（第2次計画）。"
                "第3次計画の概要版には計画期間の表にのみ現れ、第3次計画はその基本理念を"
                "踏襲している（「これまでの基本理念を踏襲し」）。"
            ),
            "actors": [],
            "statements": [],
            "elements": [],
            "challenges": [],
            "indicators": [],
        },
        {
            "key": "dai3ji",
            "slug": "dai3ji",
            "title": "第3次小美玉市地域福祉計画",
            "kind": "community",
            "owners": ["city"],
            "generation": "第3次",
            "predecessor": "dai2ji",
            "start_fy": 2021,
            "end_fy": 2025,
            "philosophy": "ぬくもりあふれるまちづくり",
            "philosophy_description": (
                "本市の地域福祉をめぐる課題に包括的に対応し、市民一人ひとりが住み慣れた地域で"
                "安全・安心に暮らせるよう、これまでの基本理念を踏襲して掲げるもの。"
            ),
            "status": "published",
            "source_document": "第3次小美玉市地域福祉計画 概要版（令和3年3月）",
            # The 概要版 lists 施策の方向 without the departments behind them: who reports on
            # each is a sample (the city and its 社協, and the two departments for the subjects
            # they hold: 防災・防犯, 協働・ボランティア).
            "reporting": {
                "level": "施策の方向",
                "sample": ["city", "shakyo"],
                "sample_by_title": {
                    "防災": ["bousai"], "避難": ["bousai"], "防犯": ["bousai"],
                    "ボランティア": ["kyodo"], "交流": ["kyodo"], "地域活動": ["kyodo"],
                },
            },
            "summary": (
                "「ぬくもりあふれる福祉が、みんなを笑顔に。」を掲げる、令和3年度から令和7年度"
                "までの5年間の小美玉市の地域福祉計画。小美玉市総合計画の部門別計画であり、"
                "高齢者・障がい者・子どもなど福祉分野の個別計画の上位計画として横断的に接続する。"
                "3つの基本目標のもとに9の基本施策と施策の方向を定め、自助（市民）・"
                "互助・共助（地域）・公助（行政）の役割を示す。市と社会福祉協議会が連携・協働"
                "して事業の推進と進捗管理を行い、目標値で達成度を評価する。"
            ),
            "actors": [
                {
                    "key": "residents",
                    "kind": "residents",
                    "label": "市民一人ひとりができること",
                    "sphere": "self",
                },
                {
                    "key": "community",
                    "kind": "community",
                    "label": "地域みんなでできること",
                    "sphere": "mutual",
                    "sphere_label": "互助・共助",
                },
                {
                    "key": "city",
                    "kind": "city",
                    "label": "行政が取り組むこと",
                    "sphere": "public",
                },
            ],
            "statements": [
                {
                    "actor": "residents",
                    "text": "普段からお互いにあいさつや困っている人への声かけをする。",
                    "detail": "",
                },
                {
                    "actor": "residents",
                    "text": (
                        "日常生活の中でボランティアや地域活動への関心を持ったり、参加したりする。"
                    ),
                    "detail": "",
                },
                {
                    "actor": "community",
                    "text": "介護や子育てなど、地域で気軽に話し合える場を持つ。",
                    "detail": "",
                },
                {"actor": "community", "text": "地域活動の情報を発信する。", "detail": ""},
                {
                    "actor": "city",
                    "text": "地域における見守りや支え合い活動を推進する。",
                    "detail": "",
                },
                {"actor": "city", "text": "ボランティアの養成を進める。", "detail": ""},
            ],
            "elements": [
                {
                    "key": "g1",
                    "level": "基本目標",
                    "number": "1",
                    "title": "地域で共に支えあう あたたかな心づくり",
                    "description": (
                        "人口減少や少子高齢化、世帯の細分化が進む中、住民同士のまとまりや助け合いの"
                        "不足を補い身近な地域での支え合いを促すため、支え合いの心のさらなる醸成と、"
                        "住民同士が出会い地域福祉活動に参加する機会を生む仕組みや居場所づくりを図る。"
                    ),
                    "priority": False,
                    "new": False,
                    "children": [
                        {
                            "key": "g1-1",
                            "level": "基本施策",
                            "number": "1.",
                            "title": "支えあう心の育成",
                            "children": [
                                {
                                    "key": "g1-1-1",
                                    "level": "施策の方向",
                                    "number": "①",
                                    "title": "学校や地域における福祉教育の充実",
                                },
                                {
                                    "key": "g1-1-2",
                                    "level": "施策の方向",
                                    "number": "②",
                                    "title": "地域福祉の広報・啓発活動の充実",
                                },
                            ],
                        },
                        {
                            "key": "g1-2",
                            "level": "基本施策",
                            "number": "2.",
                            "title": "地域でのふれあい、交流の場づくり",
                            "children": [
                                {
                                    "key": "g1-2-1",
                                    "level": "施策の方向",
                                    "number": "①",
                                    "title": "世代間交流の推進",
                                },
                                {
                                    "key": "g1-2-2",
                                    "level": "施策の方向",
                                    "number": "②",
                                    "title": "地域での交流活動の推進",
                                },
                                {
                                    "key": "g1-2-3",
                                    "level": "施策の方向",
                                    "number": "③",
                                    "title": "隣近所との交流への支援",
                                },
                            ],
                        },
                        {
                            "key": "g1-3",
                            "level": "基本施策",
                            "number": "3.",
                            "title": "地域福祉を支える人材の育成と活動の活性化",
                            "children": [
                                {
                                    "key": "g1-3-1",
                                    "level": "施策の方向",
                                    "number": "①",
                                    "title": "地域活動・ボランティアの人材やリーダーの育成",
                                },
                                {
                                    "key": "g1-3-2",
                                    "level": "施策の方向",
                                    "number": "②",
                                    "title": "ボランティア団体等と担い手をつなぐ仕組みづくり",
                                },
                                {
                                    "key": "g1-3-3",
                                    "level": "施策の方向",
                                    "number": "③",
                                    "title": "地域活動やボランティア活動への支援",
                                },
                                {
                                    "key": "g1-3-4",
                                    "level": "施策の方向",
                                    "number": "④",
                                    "title": "福祉・介護人材、専門職の確保への支援",
                                    "new": True,
                                },
                            ],
                        },
                    ],
                },
                {
                    "key": "g2",
                    "level": "基本目標",
                    "number": "2",
                    "title": "みんなに届く包括的な 支援体制づくり",
                    "description": (
                        "一人暮らしの高齢者や要支援・要介護認定者、障がい者が増え、保健・医療・福祉の"
                        "ニーズが高度化・多様化する中、分野を超えて連携した包括的な支援体制を充実させる。"
                        "必要なときに適切なサービスを提供・利用できる環境づくり、情報提供と相談支援"
                        "体制の充実を進め、成年後見制度などの権利擁護の推進と生活困窮者の自立支援に"
                        "引き続き取り組む。"
                    ),
                    "priority": False,
                    "new": False,
                    "children": [
                        {
                            "key": "g2-1",
                            "level": "基本施策",
                            "number": "1.",
                            "title": "包括的な相談支援・情報提供体制の充実",
                            "children": [
                                {
                                    "key": "g2-1-1",
                                    "level": "施策の方向",
                                    "number": "①",
                                    "title": "情報提供の充実",
                                },
                                {
                                    "key": "g2-1-2",
                                    "level": "施策の方向",
                                    "number": "②",
                                    "title": "包括的な相談支援体制の充実",
                                    "new": True,
                                },
                                {
                                    "key": "g2-1-3",
                                    "level": "施策の方向",
                                    "number": "③",
                                    "title": "民生委員・児童委員等との連携",
                                },
                            ],
                        },
                        {
                            "key": "g2-2",
                            "level": "基本施策",
                            "number": "2.",
                            "title": "福祉サービスの充実",
                            "children": [
                                {
                                    "key": "g2-2-1",
                                    "level": "施策の方向",
                                    "number": "①",
                                    "title": "地域包括ケアシステムの充実",
                                },
                                {
                                    "key": "g2-2-2",
                                    "level": "施策の方向",
                                    "number": "②",
                                    "title": "各種福祉サービスの充実",
                                },
                                {
                                    "key": "g2-2-3",
                                    "level": "施策の方向",
                                    "number": "③",
                                    "title": "相談・苦情対応体制の充実",
                                },
                            ],
                        },
                        {
                            "key": "g2-3",
                            "level": "基本施策",
                            "number": "3.",
                            "title": "自立支援体制の充実",
                            "children": [
                                {
                                    "key": "g2-3-1",
                                    "level": "施策の方向",
                                    "number": "①",
                                    "title": "社会的孤立への対策",
                                },
                                {
                                    "key": "g2-3-2",
                                    "level": "施策の方向",
                                    "number": "②",
                                    "title": "権利擁護の普及と啓発",
                                },
                                {
                                    "key": "g2-3-3",
                                    "level": "施策の方向",
                                    "number": "③",
                                    "title": "虐待、DV(ドメスティックバイオレンス)防止の連携強化",
                                },
                                {
                                    "key": "g2-3-4",
                                    "level": "施策の方向",
                                    "number": "④",
                                    "title": "生活困窮者への支援",
                                },
                                {
                                    "key": "g2-3-5",
                                    "level": "施策の方向",
                                    "number": "⑤",
                                    "title": "外国人への支援",
                                    "new": True,
                                },
                            ],
                        },
                    ],
                },
                {
                    "key": "g3",
                    "level": "基本目標",
                    "number": "3",
                    "title": "安全・安心に暮らせる まちづくり",
                    "description": (
                        "災害に備えた環境整備と、高齢者を狙う犯罪を防ぐ安全なまちづくりを進める。"
                        "生活支援・福祉サービスの充実とともにバリアフリーやユニバーサルデザインの"
                        "まちづくりを推進し、運転免許証の返納促進を踏まえた安全な道路・交通環境と"
                        "地域特性に応じた公共交通の整備を進める。社会福祉協議会、民生委員・児童委員、"
                        "地域活動団体などとの連携を充実し、福祉のネットワークづくりを図る。"
                    ),
                    "priority": False,
                    "new": False,
                    "children": [
                        {
                            "key": "g3-1",
                            "level": "基本施策",
                            "number": "1.",
                            "title": "生活環境整備の充実",
                            "children": [
                                {
                                    "key": "g3-1-1",
                                    "level": "施策の方向",
                                    "number": "①",
                                    "title": "バリアフリー・ユニバーサルデザインの推進",
                                },
                                {
                                    "key": "g3-1-2",
                                    "level": "施策の方向",
                                    "number": "②",
                                    "title": "利用しやすい交通環境の整備",
                                },
                                {
                                    "key": "g3-1-3",
                                    "level": "施策の方向",
                                    "number": "③",
                                    "title": "環境美化のまちづくりの推進",
                                },
                            ],
                        },
                        {
                            "key": "g3-2",
                            "level": "基本施策",
                            "number": "2.",
                            "title": "防犯・防災体制の充実",
                            "children": [
                                {
                                    "key": "g3-2-1",
                                    "level": "施策の方向",
                                    "number": "①",
                                    "title": "災害時における地域防災体制づくり",
                                },
                                {
                                    "key": "g3-2-2",
                                    "level": "施策の方向",
                                    "number": "②",
                                    "title": "要支援者の避難支援体制づくり",
                                },
                                {
                                    "key": "g3-2-3",
                                    "level": "施策の方向",
                                    "number": "③",
                                    "title": "地域で取り組む防犯体制づくり",
                                },
                            ],
                        },
                        {
                            "key": "g3-3",
                            "level": "基本施策",
                            "number": "3.",
                            "title": "地域福祉のネットワークづくり",
                            "children": [
                                {
                                    "key": "g3-3-1",
                                    "level": "施策の方向",
                                    "number": "①",
                                    "title": "地域福祉推進体制の整備",
                                },
                                {
                                    "key": "g3-3-2",
                                    "level": "施策の方向",
                                    "number": "②",
                                    "title": "社会福祉協議会との連携の強化・社会福祉法人との連携",
                                },
                                {
                                    "key": "g3-3-3",
                                    "level": "施策の方向",
                                    "number": "③",
                                    "title": "見守り体制の充実",
                                },
                            ],
                        },
                    ],
                },
            ],
            "challenges": [],
            "indicators": [
                {
                    "element": "g1",
                    "initiative": None,
                    "name": "地域社会の住民同士での支え合い活動が必要だと「思う」と回答した割合",
                    "unit": "%",
                    "polarity": "higher",
                    "polarity_inferred": True,
                    "kind": "outcome",
                    "aggregation": "point",
                    "source_kind": "survey",
                    "source_text": "アンケート調査",
                    "source_organization": None,
                    "observations": [
                        {"role": "baseline", "verbatim": "85.3%", "header": "前回 (平成27年)"},
                        {"role": "actual", "verbatim": "85.3%", "header": "今回 (令和2年)"},
                    ],
                    "targets": [{"verbatim": "90.0%", "header": "目標値 (令和7年)"}],
                },
                {
                    "element": "g1",
                    "initiative": None,
                    "name": "地域活動の参加状況は「参加している」と回答した割合",
                    "unit": "%",
                    "polarity": "higher",
                    "polarity_inferred": True,
                    "kind": "outcome",
                    "aggregation": "point",
                    "source_kind": "survey",
                    "source_text": "アンケート調査",
                    "source_organization": None,
                    "observations": [
                        {"role": "baseline", "verbatim": "60.1%", "header": "前回 (平成27年)"},
                        {"role": "actual", "verbatim": "60.5%", "header": "今回 (令和2年)"},
                    ],
                    "targets": [{"verbatim": "70.0%", "header": "目標値 (令和7年)"}],
                },
                {
                    "element": "g1",
                    "initiative": None,
                    "name": (
                        "ボランティアやNPO活動(民間非営利活動)に「参加したことがある」と回答した割合"
                    ),
                    "unit": "%",
                    "polarity": "higher",
                    "polarity_inferred": True,
                    "kind": "outcome",
                    "aggregation": "point",
                    "source_kind": "survey",
                    "source_text": "アンケート調査",
                    "source_organization": None,
                    "observations": [
                        {"role": "baseline", "verbatim": "26.6%", "header": "前回 (平成27年)"},
                        {"role": "actual", "verbatim": "23.6%", "header": "今回 (令和2年)"},
                    ],
                    "targets": [{"verbatim": "30.0%", "header": "目標値 (令和7年)"}],
                },
                {
                    "element": "g2",
                    "initiative": None,
                    "name": "居住地区の担当民生委員・児童委員を「知っている」と回答した割合",
                    "unit": "%",
                    "polarity": "higher",
                    "polarity_inferred": True,
                    "kind": "outcome",
                    "aggregation": "point",
                    "source_kind": "survey",
                    "source_text": "アンケート調査",
                    "source_organization": None,
                    "observations": [
                        {"role": "baseline", "verbatim": "33.0%", "header": "前回 (平成27年)"},
                        {"role": "actual", "verbatim": "33.6%", "header": "今回 (令和2年)"},
                    ],
                    "targets": [{"verbatim": "40.0%", "header": "目標値 (令和7年)"}],
                },
                {
                    "element": "g2",
                    "initiative": None,
                    "name": (
                        "小美玉市社会福祉協議会を「名称も、どのような活動をしているかについても"
                        "大体知っている」と回答した割合"
                    ),
                    "unit": "%",
                    "polarity": "higher",
                    "polarity_inferred": True,
                    "kind": "outcome",
                    "aggregation": "point",
                    "source_kind": "survey",
                    "source_text": "アンケート調査",
                    "source_organization": None,
                    "observations": [
                        {"role": "baseline", "verbatim": "35.6%", "header": "前回 (平成27年)"},
                        {"role": "actual", "verbatim": "36.8%", "header": "今回 (令和2年)"},
                    ],
                    "targets": [{"verbatim": "40.0%", "header": "目標値 (令和7年)"}],
                },
                {
                    "element": "g2",
                    "initiative": None,
                    "name": (
                        "地域や生活の情報の取得状況で、「十分に得られている」、"
                        "「どちらかといえば得られている」と回答した割合"
                    ),
                    "unit": "%",
                    "polarity": "higher",
                    "polarity_inferred": True,
                    "kind": "outcome",
                    "aggregation": "point",
                    "source_kind": "survey",
                    "source_text": "アンケート調査",
                    "source_organization": None,
                    "observations": [
                        {"role": "baseline", "verbatim": "54.7%", "header": "前回 (平成27年)"},
                        {"role": "actual", "verbatim": "53.8%", "header": "今回 (令和2年)"},
                    ],
                    "targets": [{"verbatim": "60.0%", "header": "目標値 (令和7年)"}],
                },
                {
                    "element": "g3",
                    "initiative": None,
                    "name": "地域の防災訓練に参加していると回答した割合",
                    "unit": "%",
                    "polarity": "higher",
                    "polarity_inferred": True,
                    "kind": "outcome",
                    "aggregation": "point",
                    "source_kind": "survey",
                    "source_text": "アンケート調査",
                    "source_organization": None,
                    "observations": [
                        {"role": "baseline", "verbatim": "9.0%", "header": "前回 (平成27年)"},
                        {"role": "actual", "verbatim": "8.0%", "header": "今回 (令和2年)"},
                    ],
                    "targets": [{"verbatim": "20.0%", "header": "目標値 (令和7年)"}],
                },
                {
                    "element": "g3",
                    "initiative": None,
                    "name": "地域の自主防災組織",
                    "unit": "%",
                    "polarity": "higher",
                    "polarity_inferred": True,
                    "kind": "activity",
                    "aggregation": "point",
                    "source_kind": "records",
                    "source_text": "防災管理課",
                    "source_organization": "bousai",
                    "observations": [
                        {"role": "baseline", "verbatim": "79.2%", "header": "前回 (平成27年)"},
                        {"role": "actual", "verbatim": "81.9%", "header": "今回 (令和2年)"},
                    ],
                    "targets": [{"verbatim": "90.0%", "header": "目標値 (令和7年)"}],
                },
                {
                    "element": "g3",
                    "initiative": None,
                    "name": "学区コミュニティ組織数",
                    "unit": "組織",
                    "polarity": "higher",
                    "polarity_inferred": True,
                    "kind": "activity",
                    "aggregation": "point",
                    "source_kind": "records",
                    "source_text": "市民協働課",
                    "source_organization": "kyodo",
                    "observations": [
                        {"role": "baseline", "verbatim": "8組織", "header": "前回 (平成27年)"},
                        {"role": "actual", "verbatim": "9組織", "header": "今回 (令和2年)"},
                    ],
                    "targets": [{"verbatim": "12組織", "header": "目標値 (令和7年)"}],
                },
                {
                    "element": None,
                    "initiative": None,
                    "name": (
                        "小美玉市の地域福祉に関する市民と行政の協働(パートナーシップ)が"
                        "「非常に進んでいる」、「どちらかといえば進んでいる」と回答した割合"
                    ),
                    "unit": "%",
                    "polarity": "higher",
                    "polarity_inferred": True,
                    "kind": "outcome",
                    "aggregation": "point",
                    "source_kind": "survey",
                    "source_text": "アンケート調査",
                    "source_organization": None,
                    "observations": [
                        {"role": "baseline", "verbatim": "43.3%", "header": "前回 (平成27年)"},
                        {"role": "actual", "verbatim": "41.2%", "header": "今回 (令和2年)"},
                    ],
                    "targets": [{"verbatim": "50.0%", "header": "目標値 (令和7年)"}],
                },
            ],
        },
    ],
}
