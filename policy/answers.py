"""What each part of the regulation says in one plain sentence, and which facets it settles.

A *unit* is an article sentence (``(article, sentence_index)``, in the order the
article's sentences appear), one of Art. 6's five conditions (``(6, -clause)``),
all of Art. 6 (``(6, 0)``) or the notice header (``(0, 0)``).

A *facet* is the kind of fact a question asks for: an amount, a count, a date or
time limit, a body, a standard, a procedure, an appeal, a reward, an upper limit,
who pays.  ``PRESENT`` lists the facets a unit's own text states; a question
asking for a facet its unit does not state gets the "related but silent"
answer instead of a quote that pretends to answer it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Unit = tuple[int, int]
NOTICE_UNIT: Unit = (0, 0)
ART6_ALL: Unit = (6, 0)


def clause_unit(clause: int) -> Unit:
    return (6, -clause)


@dataclass(frozen=True)
class Direct:
    zh: str
    en: str
    present: frozenset[str]


def _d(zh: str, en: str, present: str = "") -> Direct:
    return Direct(zh=zh, en=en, present=frozenset(present.split()))


DIRECT: dict[Unit, Direct] = {
    NOTICE_UNIT: _d(
        "这份通知是《西双版纳州总工会关于印发〈西双版纳州劳模创新工作室管理办法〉的通知》，"
        "由西双版纳州总工会于 2018 年 8 月 2 日印发，文号西工发〔2018〕56号。",
        "The notice (《西双版纳州总工会关于印发〈西双版纳州劳模创新工作室管理办法〉的通知》) was"
        " issued by the Xishuangbanna Prefecture Federation of Trade Unions on 2 August 2018"
        " as 西工发〔2018〕56号.",
        "body time count",
    ),
    (1, 0): _d(
        "制定本办法是为了弘扬劳模精神、发挥劳模的示范引领作用，加快培养高技能、高素质创新人才，"
        "规范劳模创新工作室的创建和管理。",
        "The measures exist to promote the model-worker spirit, let model workers lead by example,"
        " train highly skilled and innovative people faster, and standardise how studios are"
        " set up and run.",
    ),
    (2, 0): _d(
        "本办法所说的劳模创新工作室，特指由西双版纳州总工会组织创建的工作室。",
        "The measures cover only studios set up under the Xishuangbanna Prefecture Federation"
        " of Trade Unions (州总工会).",
        "body",
    ),
    (3, 0): _d(
        "负责人必须是省（部）级及以上劳模（含全国、省级劳模和先进工作者，以及经认定享受劳模待遇的人员），"
        "工作室以劳模名字命名，并由相关专业技术人员组成团队；州级、县级劳模不在此列。",
        "The leader must be a model worker at provincial (ministerial) level or above (national"
        " or provincial model workers and advanced workers, or people recognised as enjoying"
        " model-worker treatment); the studio is named after that model worker and staffed by"
        " relevant professionals. Prefecture- or county-level model workers do not qualify.",
        "standard body",
    ),
    (4, 0): _d(
        "工作室的主要任务是发挥劳模专长，围绕单位建设发展中的重点、难点问题开展创新创造活动。",
        "A studio's main task is to bring the model worker's expertise to the key and difficult"
        " problems of the host unit through innovation work.",
        "body",
    ),
    (4, 1): _d(
        "工作室要发挥“传帮带”作用，开展技术培训、业务交流、高师带徒等活动，"
        "培养知识型、技能型、创新型职工。",
        "It should pass skills on through technical training, exchanges and master-apprentice"
        " teaching, to develop knowledgeable, skilled and innovative workers.",
        "body",
    ),
    (5, 0): _d(
        "工作室的目标是成为单位的智囊团、岗位的创新源、项目的攻关队、人才的孵化器和团队的方向标。",
        "The goal is for the studio to become the unit's think tank, a source of innovation on"
        " the job, a task force for hard projects, an incubator of talent and a compass for the"
        " team.",
        "body count",
    ),
    ART6_ALL: _d(
        "创建工作室要具备五项基本条件：有劳模领衔、有创新团队、有攻关项目、有创新成果、有场地经费。",
        "A studio must meet five basic conditions: a leading model worker, an innovation team,"
        " approved projects, recognised achievements, and a venue with funds.",
        "standard count minimum",
    ),
    clause_unit(1): _d(
        "工作室至少要有一名专业水平高、技术技能强、实践经验丰富的劳模领衔。",
        "At least one model worker with strong expertise, skills and practical experience must"
        " lead the studio.",
        "standard count headcount minimum",
    ),
    clause_unit(2): _d(
        "团队的专业技术结构、学历结构、年龄结构要相对合理，团队协作氛围浓厚。",
        "The team's mix of specialties, education and ages must be reasonably balanced, with a"
        " strong spirit of cooperation.",
        "standard",
    ),
    clause_unit(3): _d(
        "每年至少要有 1 个立项的创新课题或攻关项目。",
        "Every year the studio needs at least 1 approved (立项) innovation topic or breakthrough"
        " project.",
        "count time standard minimum",
    ),
    clause_unit(4): _d(
        "每两年至少要有 1–2 项成果得到有关方面的认可或认定，并产生一定的经济效益和社会效益。",
        "Every two years at least 1–2 achievements must be recognised or certified by a relevant"
        " body and bring some economic and social benefit.",
        # "有关方面" is vague, but it is the regulation's answer to "who recognises it"
        "count time standard body minimum",
    ),
    clause_unit(5): _d(
        "工作室要有相对固定、满足需要的活动场所和用于创新活动的专项经费，经费由所在单位统一保障。",
        "The studio needs a reasonably fixed venue fit for its work and earmarked funds for"
        " innovation, guaranteed by the host unit.",
        "standard body funding",
    ),
    (7, 0): _d(
        "创新内容以科技创新、管理创新、服务创新和机制创新等为主。",
        "Innovation is mainly technological, managerial, service and mechanism innovation.",
        "body count",
    ),
    (8, 0): _d(
        "工作室由基层工会推荐，经所在单位党政认可后逐级申报，最后由州总工会统一考评命名。",
        "A studio is recommended by its grassroots union, endorsed by the host unit's party and"
        " administration, declared upward level by level, and evaluated and named by the"
        " prefecture federation.",
        "body procedure count",
    ),
    (9, 0): _d(
        "经考评命名的工作室，由州总工会给予一次性补助，支持其开展创新活动。",
        "Once named, a studio receives a one-time subsidy from the prefecture federation for its"
        " innovation work.",
        "body count funding reward",
    ),
    (9, 1): _d(
        "各级工会都应给予工作室一定的资金支持，并保证专款专用、公开透明。",
        "Unions at every level should give studios some financial support, spent only on its"
        " purpose and openly accounted for.",
        "body funding disclosure",
    ),
    (9, 2): _d(
        "工作室日常工作活动经费原则上由所在单位承担，这也是州总工会命名的重要依据之一。",
        "Day-to-day running costs are in principle paid by the host unit, and this is one of the"
        " prefecture federation's grounds for naming.",
        "body funding standard",
    ),
    (10, 0): _d(
        "工作室要建立相应的管理办法，让学习交流、技术攻关、成果转化、人才培养等工作制度化、规范化。",
        "Each studio must set up its own management rules so that learning, problem-solving,"
        " applying results and training become systematic and standardised.",
        "body",
    ),
    (11, 0): _d(
        "工作室要建三本台帐：创建活动台帐、创新成果台帐和成员发展台帐。",
        "A studio keeps three ledgers: activities, achievements and member development.",
        "body count",
    ),
    (11, 1): _d(
        "所属工会要建立劳模创新工作室管理台帐，加强日常管理。",
        "Its union keeps a management ledger of its studios for day-to-day oversight.",
        "body count",
    ),
    (12, 0): _d(
        "各级工会要争取党政的重视和支持，把创建活动列入工会工作重要议事日程，"
        "纳入所在单位技术创新和人才培养规划。",
        "Unions should win party and administrative support, put studio-building on the union's"
        " agenda and into the host unit's innovation and talent plans.",
        "body",
    ),
    (13, 0): _d(
        "各级工会要关心工作室成员的成长进步，保护他们的创新热情，在推广成果、推荐申报创新先进人物时"
        "给予关心和扶持。",
        "Unions should look after members' growth, protect their enthusiasm and support them"
        " when results are promoted and innovators are recommended for honours.",
        "body reward",
    ),
    (13, 1): _d(
        "组织疗休养、考察交流、培训学习等，工作室成员优先考虑。",
        "Members get priority for recuperation leave, study visits and training.",
        "body reward",
    ),
    (14, 0): _d(
        "各级工会要帮助工作室转化创新成果，并及时应用到生产经营中。",
        "Unions should help studios turn their results into practice and apply them promptly in"
        " production.",
        "body",
    ),
    (14, 1): _d(
        "工作室完成的科研和技术革新成果以及知识产权等的归属，按照有关法律法规执行。",
        "Ownership of the studio's research results, technical improvements and intellectual"
        " property follows the relevant laws and regulations.",
        # ownership disputes go by the same laws
        "body dispute",
    ),
    (15, 0): _d(
        "各级工会要广泛宣传工作室的先进事迹，总结推广其成果和做法，引导职工以先进典型为榜样。",
        "Unions should publicise studios' achievements, spread their results and methods, and"
        " encourage workers to follow their example.",
        "body",
    ),
    (16, 0): _d(
        "各级工会要把创建劳模创新工作室打造成工会工作的品牌项目，营造浓厚的创建氛围，深入持久地开展下去。",
        "Unions should make studio-building a flagship union programme, build a strong"
        " atmosphere around it and keep it going.",
        "body",
    ),
    (17, 0): _d(
        "县（市、区）和系统（行业）工会每年要考核辖区内的工作室，并于 12 月 31 日前"
        "把考核情况报州总工会备案。",
        "County/city/district and sector unions assess their studios every year and report the"
        " results to the prefecture federation by 31 December.",
        "body time count procedure",
    ),
    (17, 1): _d(
        "州总工会每五年对已命名的工作室复核一次，复核不达标的撤消其称号。",
        "The prefecture federation re-reviews named studios every five years; a studio that"
        " fails loses its title.",
        "body time count penalty expiry",
    ),
    (18, 0): _d(
        "各县（市、区）、系统（行业）工会要参照本办法，结合本地实际，制定相应的管理办法。",
        "County/city/district and sector unions should draw up their own measures based on"
        " these, adapted to local conditions.",
        "body",
    ),
    (19, 0): _d(
        "本办法自发布之日起实施，解释权属西双版纳州总工会。",
        "The measures took effect on the day they were issued; the prefecture federation"
        " interprets them.",
        "body time start",
    ),
}

# A unit that names a body names its level too, except Art. 6(4)'s vague "有关方面": it
# answers "who recognises it" in general, not "which level" or "the bureau or the union".
for _unit, _direct in list(DIRECT.items()):
    if "body" in _direct.present and _unit != clause_unit(4):
        DIRECT[_unit] = Direct(_direct.zh, _direct.en, _direct.present | {"level"})

# What a question asks for, recognised in the normalised (simplified, lower-case) question
# before synonyms.  Order is priority: the first facet a unit lacks is the one reported.
_NOT_A_COUNT = r"(?!次|个|项|年|级|种|方面|渠道|条|本|名|人)"
FACET_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # specific points first: they are what such a question asks, whatever else it says
    # what happens to unspent money: no article says
    (
        "carryover",
        re.compile(r"(花不完|用不完|没用完|结转|结余|留到明年|留到下一?年|剩下的钱|剩余)"),
    ),
    # something beyond what the text grants ("额外奖励"): it grants only what it names
    ("extra", re.compile(r"(额外|另外[给发奖]|另给|再给|(别的|其他)(奖励|好处|补助))")),
    # who sits on a panel: no article names its members
    (
        "panel",
        re.compile(r"(评委|评审专家|专家组|评审组|评审小组|考评小组|评审委员会|评审团|哪些专家)"),
    ),
    # which level or which named body, where the text only says "有关方面": Art. 6(4)
    (
        "level",
        re.compile(
            r"(哪一级|几级|哪级|什么级别|哪个级别|[^,，。?？]{1,6}局还是|还是[^,，。?？]{1,6}局|"
            r"[省州县市]里的?部门|[省州县市]里[^,，。?？]{0,2}认定|[省州县市]级部门)"
        ),
    ),
    # what exactly the subsidy may buy or pay: Art. 9 says only "earmarked, for innovation"
    (
        "items",
        re.compile(
            r"(补助|补贴|经费|资金|钱|款)[^,，。?？]{0,8}(买|购买|购置|添置|发|付|支付|开支|报)[^,，。?？]{0,6}"
            r"(设备|仪器|器材|电脑|材料|耗材|工具|软件|书|劳务费|讲课费|专家费|咨询费|课酬|加班费|误工费)"
        ),
    ),
    (
        "amount",
        re.compile(
            r"(多少钱|几万|几千|几百块|多少万|多少元|万元|千元|块钱|金额|数额|额度|"
            r"(效益|收益|产值)[^,，。?？]{0,6}多少|"
            r"[发给拨补]多少(?!次|个|项|年)|(补助|补贴|经费|资金|钱|奖励|奖金|津贴|拨款|费)[^,，。?？]{0,6}"
            rf"(多少{_NOT_A_COUNT}|标准|数目)|"
            r"(多少(?!次|个|项|年|级|种)|标准)[^,，。?？]{0,4}(补助|补贴|经费|资金|钱|津贴))"
        ),
    ),
    (
        "fee",
        re.compile(
            r"(手续费|申报费|评审费|报名费|工本费|服务费|收费|收取|收不收钱|交钱|缴费|交费|收钱|押金|"
            r"申请费|代理费|年费)"
        ),
    ),
    (
        "appeal",
        re.compile(
            r"(申诉|复议|不服|异议|救济|上诉|补救|重新申报|重新申请|再申报|再申请|重新报|再报|重报)"
        ),
    ),
    ("max", re.compile(r"(最多|上限|封顶|不超过|不能超过|最大|最长)")),
    ("reward", re.compile(r"(奖励|奖金|表彰|奖状|嘉奖|奖牌|发奖|有奖)")),
    (
        "funding",
        re.compile(
            r"(谁出钱|谁出|谁承担|谁负担|谁掏|谁付|谁买单|谁报销|哪里出|哪出|从哪来|哪里来|哪来|"
            r"有没有经费|有经费吗|给不给经费|有没有钱|给不给钱)"
        ),
    ),
    (
        "time",
        re.compile(
            r"(什么时候|何时|啥时候|啥时|几月|几号|哪天|哪一天|截止|期限|时限|多久|多长时间|几天|"
            r"到账|日期|几年|多少年|哪年|到位|开始|启动|随时|一年一次|多久一次|几年一次|年限|任期|"
            r"[一每]年[^,，。?？]{0,4}几次)"
        ),
    ),
    (
        "headcount",
        re.compile(
            r"(多少人|几个人|几个成员|几名|多少名|人数|几位|多少位|几个劳模|几个专业技术人员)"
        ),
    ),
    ("count", re.compile(r"(几个|多少个|几项|多少项|几本|几次|多少次|几种|几类|几条)")),
    (
        "procedure",
        re.compile(
            r"(流程|程序|手续|步骤|怎么申请|如何申请|怎么办理|如何办理|怎么报|怎么申报|咋申请|"
            r"咋报|咋个报|咋个申请|怎样申请|怎样申报|如何申报|去哪申请|去哪里申请|去哪办)"
        ),
    ),
    ("remedy", re.compile(r"(整改期|整改|宽限期|缓冲期|缓一年|缓期|延期|推迟|宽限)")),
    ("minimum", re.compile(r"(最低|下限|起码|至少|最少)")),
    # A level the text never sets: "本科以上", "五十几岁", "年龄限制".  Art. 6(2) asks for a
    # "reasonable" mix of education and ages, a quality; it states no threshold for anyone.
    (
        "threshold",
        re.compile(
            r"(本科|大专|专科|硕士|博士|研究生|中专|学位|[0-9一二三四五六七八九十几]+岁|岁数|多大年纪|"
            r"年纪多大|(学历|年龄|年纪)[^,，。?？]{0,4}(限制|门槛|最低|最高|以上|以下|不低于|不超过|"
            r"上限|下限|卡|多大)|(限制|限定)[^,，。?？]{0,4}(学历|年龄|年纪)|(年纪|年龄|岁数)(太|偏)大|超龄)"
        ),
    ),
    ("size", re.compile(r"(多大(?!年纪|岁)|面积|平方|平米|多宽|多少米)")),
    # When something ends: Art. 19 says when the measures start, never when they end;
    # a title lasts until a five-yearly re-review fails (Art. 17).
    ("expiry", re.compile(r"(有效期|到期|失效|过期|废止|作废|管到哪年|用到哪年|有效到)")),
    (
        "duration",
        re.compile(
            r"((要|需要|花|得)(多长时间|多久)|(多长时间|多久|好久)(才|能|可以)?(批|下来|完成|结束|办完|"
            r"出结果|公布|审完|评完|有结果|下发|发下来|恢复))"
        ),
    ),
    ("grading", re.compile(r"(等次|等级|档次|几个档|评优秀|优秀等|合格等|良好|分优秀)")),
    (
        "extent",
        re.compile(
            r"(什么程度|多大程度|哪种程度|优先多少|怎么优先|优先到|比例|百分之|占多少|占几成|占比)"
        ),
    ),
    (
        "channel",
        re.compile(
            r"((哪些|什么|哪个|哪家|哪几个)(媒体|报纸|电视|电台|公众号|网站|平台|渠道)|上哪些|"
            r"(在哪|哪里|在什么地方)(公开|公示|公布|发布))"
        ),
    ),
    ("notify", re.compile(r"(提醒|告知|(提前|事先|预先)[^,，。?？]{0,4}通知|通知我们|会不会通知)")),
    ("repeat", re.compile(r"(连续|屡次|多次不|再次不|两次不)")),
    ("concurrent", re.compile(r"(同时|兼任|兼职|兼着|两个工作室|多个工作室|几个工作室)")),
    # when a period is counted from: "从命名那年开始算", "五年从哪年起算" (Art. 19 states one)
    (
        "start",
        re.compile(
            r"(起算|算起|从[^,，。?？]{1,10}(开始)?算|从哪[^,，。?？]{0,4}(开始|算)|打哪[^,，。?？]{0,3}算)"
        ),
    ),
    ("dispute", re.compile(r"(纠纷|争议|打官司|诉讼|侵权)")),
    ("penalty", re.compile(r"(处罚|惩罚|处分|罚款|通报批评|追责|[被受挨]罚|罚不罚|会不会罚)")),
    (
        "joint",
        re.compile(r"(跨单位|跨行业|跨部门|跨地区|跨系统|联合组建|联合建|合办|联办|几家单位一起)"),
    ),
    ("inspection", re.compile(r"(现场检查|现场|抽查|验收|答辩|实地|暗访)")),
    ("income", re.compile(r"(挣钱|赚钱|创收|营利|盈利|对外接|接活)")),
    ("format", re.compile(r"(纸质|电子版|电子的|电子档|纸档|手写)")),
    ("agreement", re.compile(r"(协议|签约|签合同|责任书|承诺书)")),
    ("change", re.compile(r"(改名|更名|能改|可以改|能不能改|变更|换名)")),
    ("status", re.compile(r"(在职|在岗|离岗)")),
    ("origin", re.compile(r"((必须|只能|要不要|能不能|可以|一定)[^,，。?？]{0,4}本单位|外单位)")),
    (
        "paperwork",
        re.compile(
            r"((哪些|什么|啥|几份|哪几样)(材料|资料|表格|证明|证书)|(材料|资料|表格|证明)[^,，。?？]{0,2}"
            r"(有哪些|是什么|要哪些|清单|几份|交到|交给|报到|送到)|签字|签名|盖章|公章|复印件|原件|"
            r"申请报告|申请书|(写|交|提交|附)[^,，。?？]{0,2}报告|[出开]证明|出具)"
        ),
    ),
    (
        "standard",
        re.compile(
            r"(标准|评分|打分|指标|考核内容|考什么|考哪些|评什么|怎么评(?!出来|上|选)|如何评(?!出来|上|选)|扣分|加分|分数|百分制|"
            r"及格|(考核|复核|考评|评审|检查)[^,，。?？]{0,4}(看|考|查|评)(哪些|什么(?!时候)|啥(?!时候))|"
            r"(考核|复核|考评|评审)[^,，。?？]{0,4}(哪些|什么|啥)(内容|指标|方面|项目))"
        ),
    ),
    (
        "sharing",
        re.compile(
            r"(怎么分|如何分|咋个分|分配|分成|提成|收益归|收益怎么|利润|[分拿占得]几成|分多少|拿多少|"
            r"[分拿占得][^,，。?？]{0,2}(百分之|比例))"
        ),
    ),
    ("disclosure", re.compile(r"(公示|公开|公布|通报)")),
    (
        "body",
        re.compile(
            r"(谁|哪个部门|哪个单位|哪级|哪一级|哪个工会|什么部门|什么单位|什么机构|哪个机构)"
        ),
    ),
)


_CLAUSE_BREAK = re.compile(r"[,，;；:：]")
_YES_NO = re.compile(r"(要不要|是否|能不能|可不可以|行不行|是不是|需不需要|有没有)")
_HOW_MANY = re.compile(r"(多少|几个人|几个?[?？]|几[项本次条个名位种类][?？吗呢]?$)")


# "随便拉几个人行不行": 几 is "a few", not "how many".
_A_FEW = re.compile(r"(随便|随意|凑|拉)[^,，。?？]{0,2}几个")


_SPENDING = re.compile(
    r"(补助|补贴|经费|资金|钱|款)[^,，。?？]{0,6}(拿来|用来|用于|挪去|挪用|挪|拿去|用去|花在|花到|用作|当作|"
    r"当成)"
)


def asked_facets(question: str) -> tuple[str, ...]:
    # "我想带几个徒弟，这属于工作室的任务吗": the question is the last clause; what
    # comes before describes the asker's situation.
    clauses = [c for c in _CLAUSE_BREAK.split(question) if len(c.strip()) >= 4]
    asking = _A_FEW.sub("一些", clauses[-1] if clauses else question)
    items = [name for name, pattern in FACET_PATTERNS if name == "items" and pattern.search(asking)]
    spending = _SPENDING.search(asking)
    if spending:
        # "补助能拿去发奖金吗" asks whether the money may go there, not about bonuses
        asking = asking[: spending.end()]
    found = [name for name, pattern in FACET_PATTERNS if pattern.search(asking)]
    found += [name for name in items if name not in found]
    if _YES_NO.search(asking) and not _HOW_MANY.search(asking):
        # "要不要订几条规定": 几 is "a few" in a yes/no question, not "how many"
        found = [f for f in found if f not in ("count", "headcount")]
    if "duration" in found and re.search(r"一次|一回", asking):
        found.remove("duration")  # "多长时间认可一次" asks how often, not how long
    if "funding" in found and "body" in found:
        found.remove("body")  # "谁出钱" asks who pays, not which body decides
    if "fee" in found and ("amount" in found or "funding" in found):
        found.remove("fee")  # "申请费由谁承担" asks who pays; "手续费多少钱" asks how much
    return tuple(found)


# The asking words themselves (not the topic words a facet pattern may also match),
# removed from a question to find its topic.
_ASKING = re.compile(
    r"(多少钱|多少万|多少元|多少|几万|几千|几百|金额|数额|额度|什么时候|何时|啥时候|啥时|几月|几号|"
    r"哪一天|哪天|截止|期限|时限|多久|多长时间|几天|几年|到账|到位|开始|启动|几个|几项|几名|几本|"
    r"几次|几种|几类|几位|最多|上限|封顶|最少|至少|起码|标准|谁|申诉|复议|时间|日期|"
    r"今年|明年|去年|本年度|哪个部门|哪个单位|哪一级|哪级|每年|一年|每两年|两年|五年|随时|"
    r"一年一次|多久一次|几年一次|内容|手续费|申报费|评审费|报名费|工本费|服务费|申请费|收费|交钱|缴费|"
    r"交费|押金|审批|报批|批准|评分细则|打分细则|考核细则|年限|任期|比例|指标|打分|评分|"
    r"看哪些|考哪些|哪些内容|有效期|限制|限定|门槛|上限|下限|"
    r"[省州县市]里的?部门|[省州县市]里(?=[^,，。?？]{0,2}认[定可])|[省州县市]级部门|"
    r"(本科|大专|专科|硕士|博士|研究生|中专)(学历)?(及以上|以上|以下)?|[0-9一二三四五六七八九十几]+岁)"
)


def facet_spans(question: str) -> list[tuple[int, int]]:
    return [m.span() for m in _ASKING.finditer(question)]


# What the regulation does not specify, as said after "《办法》本身没有规定".
MISSING_ZH: dict[str, str] = {
    "amount": "具体金额",
    "fee": "任何收费或费用",
    "appeal": "申诉、复议或重新申报的途径",
    "max": "上限",
    "reward": "这方面的奖励",
    "funding": "这笔费用由谁承担",
    "time": "具体时间或期限",
    "count": "具体数量",
    "headcount": "人数",
    "procedure": "具体的办理程序或手续",
    "paperwork": "需要哪些材料、签字或盖章",
    "size": "面积或规模",
    "threshold": "学历、年龄等具体门槛",
    "expiry": "有效期或何时失效",
    "sharing": "收益或成果如何分配",
    "disclosure": "是否公示、公开",
    "agreement": "要签哪些协议",
    "format": "用纸质还是电子形式",
    "inspection": "怎样检查或验收",
    "joint": "能否跨单位或联合组建",
    "change": "能否变更",
    "status": "是否须在职",
    "origin": "是否须是本单位人员",
    "notify": "会不会事先通知或提醒",
    "repeat": "连续或多次出现时怎么处理",
    "concurrent": "能否同时兼任或领办多个",
    "start": "从何时起算",
    "carryover": "没用完的经费如何处理",
    "extra": "此外还有什么",
    "panel": "评审由哪些人组成",
    "level": "具体由哪一级、哪个部门认定",
    "items": "补助可以开支哪些具体项目",
    "dispute": "发生纠纷时怎么处理",
    "penalty": "有什么处罚",
    "duration": "办理需要多长时间",
    "grading": "分几个等次",
    "extent": "具体优先到什么程度",
    "channel": "通过哪些媒体或渠道",
    "income": "能否对外创收",
    "minimum": "最低要求",
    "remedy": "整改期或补救办法",
    "standard": "具体标准或评分办法",
    "body": "由哪个部门或单位负责",
    "point": "您问的这一点",  # no facet named: the learned model judged it silent
}
MISSING_EN: dict[str, str] = {
    "amount": "the amount",
    "fee": "any fee",
    "appeal": "any appeal or re-application",
    "max": "an upper limit",
    "reward": "such a reward",
    "funding": "who pays for this",
    "time": "a date or time limit",
    "count": "a number",
    "headcount": "how many people",
    "procedure": "the procedure",
    "paperwork": "any paperwork, signature or seal",
    "size": "a size or area",
    "threshold": "any specific threshold such as education or age",
    "expiry": "when it expires",
    "sharing": "how proceeds are shared",
    "disclosure": "whether this is made public",
    "agreement": "any agreement to sign",
    "format": "a paper or electronic format",
    "inspection": "how it is inspected",
    "joint": "whether studios may be set up jointly or across units",
    "change": "whether it may be changed",
    "status": "whether the person must still be in post",
    "origin": "whether people must come from the host unit",
    "notify": "whether anyone is notified in advance",
    "repeat": "what happens when it happens repeatedly",
    "concurrent": "whether one person may hold several such roles",
    "start": "when the period is counted from",
    "carryover": "what happens to unspent money",
    "extra": "anything beyond that",
    "panel": "who sits on any panel",
    "level": "which level or which body does it",
    "items": "which items the subsidy may pay for",
    "dispute": "how disputes are settled",
    "penalty": "any penalty",
    "duration": "how long it takes",
    "grading": "any grades or ranks",
    "extent": "how far the priority goes",
    "channel": "which media or channels",
    "income": "whether it may earn income",
    "minimum": "a minimum",
    "remedy": "any grace period or remedy",
    "standard": "the criteria or scoring",
    "body": "which body is responsible",
    "point": "the point you ask about",
}
