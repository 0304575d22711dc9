"""下野市: 第2期計画 事業進捗のまとめ(確定版) (seed 002_4eac9020b72afdc1.txt)."""

MUNICIPALITY = {
    "code": "092169",
    "name": "下野市",
    "kana": "しもつけし",
    "prefecture": "栃木県",
    "organizations": [
        {"key": "city", "name": "下野市", "kind": "city"},
        {"key": "shakyo", "name": "下野市社会福祉協議会", "short_name": "社協", "kind": "shakyo"},
        {"key": "committee", "name": "第2期計画推進委員会", "kind": "committee"},
    ],
    "areas": [],
    "plans": [
        {
            "key": "dai2ki",
            "slug": "dai2ki",
            "title": "しもつけ 第2期 地域福祉計画",
            "kind": "integrated",
            "owners": ["city", "shakyo"],
            "generation": "第2期",
            "predecessor": None,
            "start_fy": None,
            "end_fy": None,
            "status": "published",
            "source_document": (
                "第2期計画 事業進捗のまとめ(確定版)（第2期計画推進委員会において確定したもの）"
            ),
            "summary": (
                "下野市と下野市社会福祉協議会の第2期計画。3つの基本目標のもとに取組①…⑤"
                "（基本目標1は①～④）を置き、取組ごとに市と社協がそれぞれ進捗状況と課題を報告する。"
                "事業進捗のまとめは第2期計画推進委員会において確定される。"
            ),
            "actors": [
                {"key": "city", "kind": "city", "label": "市", "sphere": ""},
                {"key": "shakyo", "kind": "shakyo", "label": "社協", "sphere": ""},
            ],
            "statements": [],
            "elements": [
                {
                    "key": "g1",
                    "level": "基本目標",
                    "number": "1",
                    "title": "ふれあい、支え合い、助け合いの輪が広がる地域づくり",
                    "priority": False,
                    "new": False,
                    "initiatives": [
                        {
                            "key": "g1-i1",
                            "number": "①",
                            "title": "ふれあい交流の促進",
                            "priority": False,
                            "new": False,
                            "responsible": ["city", "shakyo"],
                        },
                        {
                            "key": "g1-i2",
                            "number": "②",
                            "title": "地域の場と交流の拠点づくり",
                            "priority": False,
                            "new": False,
                            "responsible": ["city", "shakyo"],
                        },
                        {
                            "key": "g1-i3",
                            "number": "③",
                            "title": "地域を支え、育むコミュニティづくり",
                            "priority": False,
                            "new": False,
                            "responsible": ["city", "shakyo"],
                        },
                        {
                            "key": "g1-i4",
                            "number": "④",
                            "title": "支え合いネットワークの充実",
                            "priority": False,
                            "new": False,
                            "responsible": ["city", "shakyo"],
                        },
                    ],
                },
                {
                    "key": "g2",
                    "level": "基本目標",
                    "number": "2",
                    "title": "安全・安心な暮らしやすいまちづくり",
                    "priority": False,
                    "new": False,
                    "initiatives": [
                        {
                            "key": "g2-i1",
                            "number": "①",
                            "title": "福祉サービスの充実",
                            "priority": False,
                            "new": False,
                            "responsible": ["city", "shakyo"],
                        },
                        {
                            "key": "g2-i2",
                            "number": "②",
                            "title": "健康づくりの推進",
                            "priority": False,
                            "new": False,
                            "responsible": ["city", "shakyo"],
                        },
                        {
                            "key": "g2-i3",
                            "number": "③",
                            "title": "防犯・防災体制の充実",
                            "priority": False,
                            "new": False,
                            "responsible": ["city", "shakyo"],
                        },
                        {
                            "key": "g2-i4",
                            "number": "④",
                            "title": "バリアフリーの推進",
                            "priority": False,
                            "new": False,
                            "responsible": ["city", "shakyo"],
                        },
                        {
                            "key": "g2-i5",
                            "number": "⑤",
                            "title": "生きがいのづくりの支援",
                            "priority": False,
                            "new": False,
                            "responsible": ["city", "shakyo"],
                        },
                    ],
                },
                {
                    "key": "g3",
                    "level": "基本目標",
                    "number": "3",
                    "title": "地域福祉を推進するためのしくみづくり",
                    "priority": False,
                    "new": False,
                    "initiatives": [
                        {
                            "key": "g3-i1",
                            "number": "①",
                            "title": "相談体制の充実",
                            "priority": False,
                            "new": False,
                            "responsible": ["city", "shakyo"],
                        },
                        {
                            "key": "g3-i2",
                            "number": "②",
                            "title": "広報・啓発活動の強化",
                            "priority": False,
                            "new": False,
                            "responsible": ["city", "shakyo"],
                        },
                        {
                            "key": "g3-i3",
                            "number": "③",
                            "title": "福祉・人権教育の推進",
                            "priority": False,
                            "new": False,
                            "responsible": ["city", "shakyo"],
                        },
                        {
                            "key": "g3-i4",
                            "number": "④",
                            "title": "地域リーダーの育成",
                            "priority": False,
                            "new": False,
                            "responsible": ["city", "shakyo"],
                        },
                        {
                            "key": "g3-i5",
                            "number": "⑤",
                            "title": "ボランティアの育成",
                            "priority": False,
                            "new": False,
                            "responsible": ["city", "shakyo"],
                        },
                    ],
                },
            ],
            "challenges": [],
            "indicators": [],
            "cycles": [
                {
                    "key": "kakutei",
                    # The document summarises the progress of the whole 第2期 plan (事業進捗のまとめ,
                    # 確定版), not one year's review: a final cycle.
                    "kind": "final",
                    "fiscal_year": None,  # the document gives no fiscal year
                    "status": "published",
                    "title": "第2期計画 事業進捗のまとめ(確定版)",
                    "confirmed_by": "committee",
                    "confirmation_note": "※この内容は、第2期計画推進委員会において確定したものです。",
                    "entries": [
                        {
                            "initiative": "g1-i1",
                            "organization": "city",
                            "progress": (
                                "地域活動団体や学校、スポーツ団体、"
                                "サロン運営ボランティア等がふれあい交流の場や機会づくりに取"
                                "り組みました。"
                            ),
                            "issues": (
                                "参加者の減少やメンバーの固定化が課題となっており、"
                                "若い世代を含むより幅広い層に周知・啓発を図る必要があります。"
                            ),
                        },
                        {
                            "initiative": "g1-i1",
                            "organization": "shakyo",
                            "progress": (
                                "しもつけふくしフェスタや三世代交流事業等の実施など、"
                                "関係機関・団体と連携し、市民同士が交流する機会を創出しました。"
                                "また、市民ニーズの高まりに応じて、"
                                "サロンの運営体制の強化が図られました。"
                            ),
                            "issues": (
                                "地域での交流する機会について周知を図り、"
                                "新規参加者の増加や実施体制のさらなる拡充を進めるとともに、"
                                "三世代交流事業について拡充していく必要があります。"
                            ),
                        },
                        {
                            "initiative": "g1-i2",
                            "organization": "city",
                            "progress": (
                                "公民館では各種講座の実施やサークル活動等の支援を行い、"
                                "障がい者施設では地域のイベントをとおして障がい者の自立支援や社会参"
                                "加を促しました。\n"
                                "また、公共施設においては、利用者が安心して利用できるよう改修工事や"
                                "サービス提供内容の向上に取り組みました。"
                            ),
                            "issues": (
                                "参加者の高齢化により団体の維持が難しくなっているため、"
                                "若い世代を呼び込むための支援を充実させる必要があります。\n"
                                "また、老朽化した施設については、地元の意見を聞きながら適宜修繕する"
                                "必要があります。"
                            ),
                        },
                        {
                            "initiative": "g1-i2",
                            "organization": "shakyo",
                            "progress": (
                                "市民の福祉活動の拠点として、コミュニティ施設や公民館などの既存施設"
                                "の活用を努めました。"
                            ),
                            "issues": (
                                "空き施設の有効活用を進めて市民の福祉活動のさらなる発展を促すととも"
                                "に、関係機関と連携する必要があります。"
                            ),
                        },
                        {
                            "initiative": "g1-i3",
                            "organization": "city",
                            "progress": (
                                "組織・団体間の連携推進に向けたネットワーク構築や、"
                                "ガイドブックやオンライン等での情報発信を通して、"
                                "自治会や地域活動団体等によるコミュニティづくりの活動を支援"
                                "しました。"
                            ),
                            "issues": (
                                "組織・団体の自主性・自立性を損なうことがないよう配慮しつつ、"
                                "コミュニティづくりにかかる取り組みの支援や、"
                                "コミュニティ活動を行う新たな人材の発掘や育成に取り組む必要"
                                "があります。"
                            ),
                        },
                        {
                            "initiative": "g1-i3",
                            "organization": "shakyo",
                            "progress": (
                                "コミュニティ組織を中心に地域活動の支援を行いながら、"
                                "3か所の地区社協整備に努めました。"
                            ),
                            "issues": (
                                "各地域のコミュニティ組織や関係機関と連携し、"
                                "地区社協に対する市民の理解が得られるよう取り組みながら、"
                                "地区社協の組織整備・拡充をさらに進めていく必要があります。"
                            ),
                        },
                        {
                            "initiative": "g1-i4",
                            "organization": "city",
                            "progress": (
                                "地域の高齢化が進む中で、ゴミ出し等の日常生活から防災対策まで、"
                                "他分野において見守り・支え合いのネットワークづくりに取り組"
                                "みました。"
                            ),
                            "issues": (
                                "見守りが本当に必要な人への周知や、"
                                "避難行動要支援者名簿への登録勧奨など、"
                                "狭間の無いセーフティネットの構築について、"
                                "アウトリーチ等を通して今後も充実を図る必要があります。"
                            ),
                        },
                        {
                            "initiative": "g1-i4",
                            "organization": "shakyo",
                            "progress": (
                                "地域包括支援センターと連携し生活支援体制整備事業を進め、"
                                "市民主体の有償ボランティア組織などの新たな社会資源の開発に繋がり、"
                                "市民の困りごとの解決に取り組みました。"
                            ),
                            "issues": (
                                "関係団体・関係機関と連携しながら、市民主体の活動を促進し、"
                                "更に地域で支え合える体制づくりを推進する必要があります。"
                            ),
                        },
                        {
                            # 進捗状況 is empty in the extracted document (the single text reads as 課題)
                            "initiative": "g2-i1",
                            "organization": "city",
                            "progress": "",
                            "issues": (
                                "課題の多様化・複雑化により対応が難しいケースが増加しており、"
                                "より多くの地域資源を巻き込んだ顔の見える関係づくりや、"
                                "地域全体で見守りを行う体制強化に向け、"
                                "関係者や関係機関との連携を進める必要があります。"
                            ),
                        },
                        {
                            # 進捗状況 is empty in the extracted document (the single text reads as 課題)
                            "initiative": "g2-i1",
                            "organization": "shakyo",
                            "progress": "",
                            "issues": (
                                "サービスを必要とする方が適切な利用に結びつくことができるよう、"
                                "関係機関との連携や制度活用により、"
                                "支援体制の拡充を図る必要があります。"
                            ),
                        },
                        {
                            # 進捗状況 is empty in the extracted document (the single text reads as 課題)
                            "initiative": "g2-i2",
                            "organization": "city",
                            "progress": "",
                            "issues": (
                                "各種検診の受診率は上昇傾向であるが、"
                                "年代を問わず健康づくりに関心が低い方へのアプローチとして、"
                                "健康推進員やマイレージ事業等をとおして健康づくりへの意識向上を図る"
                                "必要があります。"
                            ),
                        },
                        {
                            # 進捗状況 is empty in the extracted document (the single text reads as 課題)
                            "initiative": "g2-i2",
                            "organization": "shakyo",
                            "progress": "",
                            "issues": (
                                "市民の健康の維持・向上を図るため、"
                                "引き続き地域との連携を図りながら、"
                                "各講座を広く周知し参加を促進する必要があります。"
                            ),
                        },
                        {
                            # 進捗状況 is empty in the extracted document (the single text reads as 課題)
                            "initiative": "g2-i3",
                            "organization": "city",
                            "progress": "",
                            "issues": (
                                "更なる地域における防災力の強化に向け、"
                                "自主防災組織の設置や組織の活動支援を行う必要があります。"
                            ),
                        },
                        {
                            # 進捗状況 is empty in the extracted document (the single text reads as 課題)
                            "initiative": "g2-i3",
                            "organization": "shakyo",
                            "progress": "",
                            "issues": (
                                "災害時に備えた取り組みを継続して行うとともに、"
                                "幅広い世代の参加を促し、市民がお互いに助け合える関係構築を支援する"
                                "必要があります。"
                            ),
                        },
                        {
                            # 課題 is empty in the extracted document (the single text reads as 進捗状況)
                            "initiative": "g2-i4",
                            "organization": "city",
                            "progress": (
                                "施設整備や公共交通等の移動支援とあわせて、"
                                "障がい者理解の促進に向けた啓発の実施により、"
                                "ハード・ソフト両面からバリアフリーを推進しました。"
                            ),
                            "issues": "",
                        },
                        {
                            # 課題 is empty in the extracted document (the single text reads as 進捗状況)
                            "initiative": "g2-i4",
                            "organization": "shakyo",
                            "progress": (
                                "広報誌等の点訳や音訳CDを作成し利用者に提供するとともに、"
                                "ボランティアグループの育成に取組みました。\n"
                                "また、福祉バスの運行を行いました。"
                            ),
                            "issues": "",
                        },
                        {
                            # 課題 is empty in the extracted document (the single text reads as 進捗状況)
                            "initiative": "g2-i5",
                            "organization": "city",
                            "progress": (
                                "生涯学習やスポーツ等の活動をとおして交流を図りながら、"
                                "生きがいのづくりにつなげる支援に取り組みました。"
                            ),
                            "issues": "",
                        },
                        {
                            # 課題 is empty in the extracted document (the single text reads as 進捗状況)
                            "initiative": "g2-i5",
                            "organization": "shakyo",
                            "progress": (
                                "老人クラブの活性化を支援するため、"
                                "人材育成や団体への加入促進を行いました。"
                            ),
                            "issues": "",
                        },
                        {
                            # 課題 is empty in the extracted document (the single text reads as 進捗状況)
                            "initiative": "g3-i1",
                            "organization": "city",
                            "progress": (
                                "障がい児者相談支援センターを新たに設置したほか、"
                                "生活困窮支援・子育て支援など様々な分野で相談支援に取り組むとともに"
                                "、民生委員児童委員や総合相談、困りごと相談などにおいて包括的な相談"
                                "支援に取り組みました。"
                            ),
                            "issues": "",
                        },
                        {
                            # 課題 is empty in the extracted document (the single text reads as 進捗状況)
                            "initiative": "g3-i1",
                            "organization": "shakyo",
                            "progress": (
                                "生活困窮者自立支援事業において、利用者に寄り添いながら自立に向けた"
                                "相談及び支援を行いました。\n"
                                "また、心配ごと相談や無料法律相談など各種相談においても関係機関と連"
                                "携し相談体制の充実を図りました。"
                            ),
                            "issues": "",
                        },
                        {
                            # 課題 is empty in the extracted document (the single text reads as 進捗状況)
                            "initiative": "g3-i2",
                            "organization": "city",
                            "progress": (
                                "広報紙や保健福祉ガイドブックの配布のほか、"
                                "情報のアプリ上への掲載等オンライン化により、"
                                "より多くの人に広報・啓発を実施できるよう取り組んできました。"
                            ),
                            "issues": "",
                        },
                        {
                            # 課題 is empty in the extracted document (the single text reads as 進捗状況)
                            "initiative": "g3-i2",
                            "organization": "shakyo",
                            "progress": (
                                "社協だよりやホームページを活用し、"
                                "地域福祉に関する広報・啓発活動を行いました。"
                            ),
                            "issues": "",
                        },
                        {
                            "initiative": "g3-i3",
                            "organization": "city",
                            "progress": (
                                "講演会・講座やイベントを通して、人権や福祉に関する意識啓発を推進し"
                                "てきました。"
                            ),
                            "issues": (
                                "講演会については、若い世代の参加が少ないことや、"
                                "参加者の固定化が課題となっています。イベントにおいては、"
                                "今後も人権や虐待防止といった地域全体で取り組むべき課題に対する啓発"
                                "を図る必要があります。"
                            ),
                        },
                        {
                            "initiative": "g3-i3",
                            "organization": "shakyo",
                            "progress": (
                                "学校と連携し、ボランティア活動の促進や福祉教育の推進を図りました。"
                            ),
                            "issues": (
                                "学校や市内の各種団体と連携し、福祉教育の担い手となるボランティアや"
                                "、将来の福祉を担うボランティアの育成に取り組む必要があります。"
                            ),
                        },
                        {
                            "initiative": "g3-i4",
                            "organization": "city",
                            "progress": (
                                "ボランティア等に取り組む人材育成を目指した講座の開催や、"
                                "生活支援コーディネーターによる地域への働きかけをとおして、"
                                "地域活動の核となるリーダーの育成に取り組みました。"
                            ),
                            "issues": (
                                "より多くの市民にまちづくりに向けた地域活動への興味をもってもらえる"
                                "よう、講座内容の充実や地域における人材の発掘に取り組む必要"
                                "があります。"
                            ),
                        },
                        {
                            "initiative": "g3-i4",
                            "organization": "shakyo",
                            "progress": (
                                "地区社協組織の整備を進める中で、コミュニティ組織と連携し地域活動の"
                                "担い手の発掘に取り組みました。"
                            ),
                            "issues": (
                                "地区社協組織の拡充を図るとともに、生活支援体制整備事業と連携し、"
                                "地域福祉の担い手育成とリーダーとなる人材確保に努める必要が"
                                "あります。"
                            ),
                        },
                        {
                            "initiative": "g3-i5",
                            "organization": "city",
                            "progress": (
                                "ボランティアバンク登録者の活動機会の創出と、"
                                "市民への学習機会の提供を図ることで、活動の活性化に努めました。"
                            ),
                            "issues": (
                                "生涯学習講座終了後に団体への参加加入を勧めるなど、"
                                "ボランティア人材の確保に向けた取り組みを進める必要があります。"
                            ),
                        },
                        {
                            "initiative": "g3-i5",
                            "organization": "shakyo",
                            "progress": (
                                "ボランティアセンター機能の充実に向けて、"
                                "ボランティアコーディネーター2名を専従で配置するなど運営強化に努め"
                                "ました。また、ボランティア同士の連携強化、"
                                "ボランティアの担い手やリーダーの育成、活動の支援に取り組みました。"
                            ),
                            "issues": (
                                "幅広い市民が関心を持てるよう講座の拡充を図るとともに、"
                                "安心して活動できるための支援についても拡充させる必要があります。"
                            ),
                        },
                    ],
                },
            ],
        },
    ],
}
