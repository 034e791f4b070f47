"""English questions, carried into the regulation's own Chinese vocabulary.

The regulation is Chinese and short; its vocabulary is a few hundred terms.
Each English phrase below maps onto one of them (or onto a question word the
facet detector knows), so an English question is answered by the same
retrieval, facet check and out-of-scope signals as a Chinese one.  Longest
phrases first; a word the map does not know contributes nothing, so a
question made only of unknown words is "not covered".
"""

from __future__ import annotations

import re

# (English alternatives, Chinese terms).  Matched on lower-case text at word
# boundaries; more specific phrases come before the words they contain.
_PHRASES: tuple[tuple[tuple[str, ...], str], ...] = (
    # the leader's qualifications are Art. 3, not the studio's conditions (Art. 6)
    (
        (
            r"leader'?s? qualifications?",
            r"qualifications? (?:of|for) (?:a |the )?(?:studio )?leaders?",
            r"who qualifies as (?:a |the )?leader",
        ),
        "负责人 条件",
    ),
    ((r"party committee", r"party secretary"), "党政"),
    ((r"evaluat\w+ and nam\w+", r"assess\w* and nam\w+"), "考评 命名"),
    ((r"become", r"turn into", r"serve as"), "成为"),
    ((r"for (?:its|the|their|a) (?:work |host )?units?",), "推动单位建设发展"),
    (
        (r"talent (?:training )?plans?", r"development plans?", r"innovation plans?", r"part of"),
        "纳入 人才培养规划",
    ),
    ((r"cover(?:s|ed)?", r"set up (?:on (?:its|their) own|by (?:itself|themselves))"), "适用"),
    ((r"park(?:ing)?", r"canteen", r"lunch"), "停车"),
    # the regulation itself, the notice
    (
        (
            r"document number",
            r"reference number",
            r"file number",
            r"doc(?:ument)? no",
            r"doc number",
            r"wen ?hao",
        ),
        "文号",
    ),
    ((r"who issued", r"issued by", r"issuer", r"who published"), "谁发 通知"),
    (
        (
            r"when was (?:it|this|the regulation|the notice|the document) issued",
            r"issue date",
            r"date of issue",
            r"released",
            r"put (?:this|it) out",
            r"came out",
        ),
        "哪年 印发 通知",
    ),
    (
        (r"addressed to", r"sent to which", r"which units (?:was|were) it sent"),
        "发给 哪些单位 通知",
    ),
    ((r"notice",), "通知"),
    (
        (
            r"take effect",
            r"took effect",
            r"come into force",
            r"came into force",
            r"in force",
            r"effective",
            r"valid from",
        ),
        "实施 什么时候",
    ),
    ((r"interpret(?:s|ation|ing)?", r"final say on the meaning"), "解释权"),
    (
        (
            r"purpose",
            r"why (?:was|were|is|are|did|do|does)[^?]*(?:made|drawn up|written|issued|created|"
            r"put out|introduced|adopted|published|brought in|make|draw up|write|issue|create|"
            r"put|introduce|adopt|publish|bring)",
            r"in the first place",
            r"aim of the (?:regulation|measures|rules)",
        ),
        "目的 制定",
    ),
    (
        (
            r"local (?:rules|measures|regulations)",
            r"own (?:measures|rules|regulations)",
            r"implementing rules",
            r"county unions? (?:make|draw up|write)",
        ),
        "各地 制定 相应的管理办法",
    ),
    (
        (
            r"what is (?:this|the) (?:regulation|measures?|document|rules?) for",
            r"why (?:does|do) (?:this|the) (?:regulation|measures?|rules?) exist",
        ),
        "目的 制定",
    ),
    (
        (
            r"what (?:do|does|must|should) (?:a |the )?studios? (?:have to |need to )?do",
            r"what (?:is|are) (?:a |the )?studio'?s? (?:for|job)",
        ),
        "主要任务",
    ),
    (
        (
            r"where is (?:the )?(?:prefecture )?(?:federation|union)'?s? office",
            r"(?:federation|union)'?s? (?:office|address)",
            r"where is (?:the )?(?:prefecture )?(?:federation|union)",
        ),
        "州总工会在哪",
    ),
    # scope
    (
        (
            r"which studios",
            r"what counts as a studio",
            r"apply to",
            r"applies to",
            r"covered by (?:the|these|this) (?:regulation|measures|rules)",
            r"scope",
            r"set up by (?:our|my|a|the) (?:company|unit|employer)",
            r"our own studio",
        ),
        "适用 哪些工作室",
    ),
    # leader and naming
    ((r"county[- ]level", r"city[- ]level"), "县级"),
    ((r"prefecture[- ]level",), "州级"),
    ((r"provincial[- ]level", r"provincial"), "省级"),
    # other programmes and bodies (not this regulation's): knowledge.other_programme
    (
        (
            r"national (?:model |demonstration |exemplary )?studios?",
            r"national[- ]level studios?",
            r"provincial (?:model |demonstration |exemplary )?studios?",
            r"acftu",
            r"all-china federation of trade unions",
        ),
        "全国示范性工作室",
    ),
    ((r"may day (?:labou?r )?medal", r"labou?r medal", r"may 1st medal"), "五一劳动奖章"),
    ((r"skills? masters? studios?", r"master craftsm[ae]n studios?"), "技能大师工作室"),
    ((r"national model worker", r"national[- ]level"), "全国劳模"),
    ((r"model[- ]worker treatment",), "劳模待遇"),
    ((r"advanced workers?",), "先进工作者"),
    ((r"model[- ]workers?", r"labou?r models?"), "劳模"),
    (
        (
            r"named after",
            r"name of the studio",
            r"studio'?s name",
            r"what is the studio called",
            r"called",
        ),
        "以劳模名字命名",
    ),
    ((r"naming", r"names", r"named", r"name"), "命名"),
    ((r"lead(?:s|er|ers|ing)?", r"head(?:s|ed)?", r"in charge", r"run(?:s)? the studio"), "负责人"),
    ((r"expertise", r"specialt(?:y|ies)"), "专长"),
    # tasks, goals, content
    (
        (
            r"main tasks?",
            r"tasks?",
            r"duties",
            r"what (?:does|do) (?:a|the) studios? do",
            r"responsibilit(?:y|ies)",
        ),
        "主要任务",
    ),
    (
        (
            r"apprentices?",
            r"mentor(?:ing|s)?",
            r"pass (?:on )?skills",
            r"train(?:s)? (?:young|new) (?:workers|staff)",
        ),
        "带徒弟 传帮带",
    ),
    ((r"technical training", r"training courses?"), "技术培训"),
    # sessions a studio holds are Art. 4's technical training (Art. 13's is members attending)
    ((r"training sessions?", r"trainings"), "开展 技术培训"),
    # what the subsidy may pay for (answers: items)
    ((r"buy(?:ing)? (?:\w+ )?(?:equipment|instruments|computers|materials)",), "买 设备"),
    (
        (
            r"pay(?:ing)? (?:the |our |its )?(?:members|staff|people|team)",
            r"overtime",
            r"extra hours",
            r"labou?r fees?",
        ),
        "发 劳务费",
    ),
    ((r"training",), "培训"),
    # who sits on a panel: its members, which no article names (answers: panel)
    ((r"panel", r"committee", r"jury", r"judges", r"experts?"), "评委"),
    (
        (
            r"goals?",
            r"objectives?",
            r"role",
            r"think tank",
            r"incubator",
            r"(?:meant|supposed|expected) to achieve",
        ),
        "工作目标",
    ),
    (
        (
            r"kinds? of innovation",
            r"types? of innovation",
            r"what (?:kind|kinds|type|types) of innovation",
            r"innovation areas?",
            r"management innovation",
            r"service innovation",
            r"mechanism innovation",
        ),
        "创新内容 科技创新",
    ),
    # how an assessment is scored: a standard, not the conditions of Art. 6
    (
        (
            r"scoring criteria",
            r"assessment criteria",
            r"criteria for (?:the )?(?:annual )?(?:assessment|review|re-review|evaluation)",
            r"scoring",
            r"marking scheme",
        ),
        "标准",
    ),
    # conditions
    (
        (
            r"basic conditions?",
            r"conditions?",
            r"requirements?",
            r"criteria",
            r"qualif(?:y|ies|ication|ications)",
            r"eligib(?:le|ility)",
        ),
        "基本条件",
    ),
    ((r"team(?:s)?", r"members?", r"staff"), "团队 成员"),
    # a level the text never sets, as opposed to the reasonable mix it asks for
    (
        (
            r"(?:minimum|required|maximum) (?:education|degree|age)\w*(?: levels?)?",
            r"education(?:al)? (?:level|requirement|threshold)s?",
            r"age (?:limit|cap|requirement|threshold)s?",
            r"(?:university |college )?degrees?",
            r"bachelor'?s?",
            r"diplomas?",
            r"years old",
            r"too old",
        ),
        "学历 年龄 门槛",
    ),
    (
        (
            r"expir\w*",
            r"valid until",
            r"lapse\w*",
            r"how long (?:are|is|do|does) (?:the |these |this )?(?:measures?|rules?|regulation)",
        ),
        "有效期",
    ),
    ((r"\bages?\b", r"education", r"structure"), "年龄结构 学历结构"),
    ((r"research topics?", r"innovation topics?", r"topics?", r"projects?"), "立项 攻关项目"),
    ((r"approve[sd]?", r"approval"), "审批"),
    (
        (
            r"achievements?",
            r"results?",
            r"outcomes?",
            r"innovations? (?:recognised|recognized|certified)",
        ),
        "创新成果",
    ),
    ((r"recogni[sz]ed", r"recogni[sz]e", r"certified", r"certif(?:y|ication)"), "认可 认定"),
    ((r"every two years", r"two[- ]year", r"biennial", r"in two years"), "每两年"),
    ((r"meeting rooms?", r"book(?:ing)? a room", r"reserv(?:e|ation)"), "预订 会议室"),
    (
        (r"venue", r"premises", r"space", r"room", r"workshop", r"place", r"site"),
        "活动场所",
    ),
    ((r"fixed", r"permanent"), "固定"),
    # application and naming
    ((r"recommend(?:s|ed|ation)?", r"nominat(?:e|es|ed|ing|ion|ions)"), "推荐"),
    ((r"endorse(?:s|d|ment)?",), "党政认可"),
    (
        (
            r"apply(?:ing)?",
            r"application",
            r"set up a studio",
            r"start a studio",
            r"create a studio",
            r"establish a studio",
        ),
        "申报 创建",
    ),
    ((r"directly to the prefecture", r"skip (?:a )?level", r"bypass"), "直接 越级 申报"),
    (
        (
            r"how long does (?:it|a|the)[^?]* take",
            r"how long will (?:it|a|the)[^?]* take",
            r"how long (?:is|does) the (?:process|review|approval)",
        ),
        "要多久",
    ),
    ((r"contribute[sd]?", r"contributions?"), "承担 经费"),
    ((r"penalt(?:y|ies)", r"punish\w*", r"sanctions?", r"fined?"), "处罚"),
    ((r"disputes?", r"lawsuits?", r"sue"), "纠纷"),
    ((r"remind\w*", r"notif(?:y|ied|ication)"), "提醒"),
    ((r"at the same time", r"two studios", r"several studios", r"more than one studio"), "同时"),
    # clearly outside the regulation, named before the money words they contain
    ((r"travel expenses", r"business trips?", r"reimburse\w*", r"expense claims?"), "报销"),
    # clearly outside the regulation: mapped so its out-of-scope signals fire
    ((r"salar(?:y|ies)", r"wages?", r"pay ?rise", r"payroll", r"overtime"), "工资"),
    ((r"annual leave", r"sick leave", r"maternity leave"), "请假"),
    ((r"membership fees?", r"union dues"), "会费"),
    # filing for a patent is outside the regulation (Art. 14 only says who owns it)
    (
        (
            r"register(?:ing)? (?:a |our |the )?patents?",
            r"apply(?:ing)? for (?:a )?patents?",
            r"file (?:a )?patents?",
            r"patent applications?",
        ),
        "专利申请",
    ),
    ((r"join(?:ing)? (?:the |a )?(?:trade )?unions?", r"union membership"), "入会"),
    # money
    ((r"how much", r"amount", r"sum", r"value"), "多少钱"),
    ((r"one[- ]time subsidy", r"subsid(?:y|ies|ised|ized)", r"grant"), "一次性补助"),
    (
        (r"who pays", r"paid by", r"pay for", r"who covers", r"who funds", r"who bears"),
        "谁承担 经费",
    ),
    (
        (
            r"running costs?",
            r"day[- ]to[- ]day (?:costs|expenses|funds)",
            r"daily (?:costs|expenses|funds)",
            r"operating costs?",
        ),
        "日常工作活动经费",
    ),
    (
        (
            r"earmarked",
            r"only for (?:its|their) purpose",
            r"divert(?:ed)?",
            r"misuse",
            r"transparen(?:t|cy)",
        ),
        "专款专用 公开透明",
    ),
    ((r"fund(?:s|ing|ed)?", r"money", r"budget", r"costs?", r"expenses?"), "经费"),
    ((r"fees?", r"charges?"), "手续费"),
    ((r"rewards?", r"bonus(?:es)?", r"prizes?"), "奖励"),
    # management and ledgers
    ((r"management rules", r"internal rules", r"own rules", r"rules of the studio"), "管理制度"),
    ((r"ledgers?", r"records?", r"registers?", r"books"), "台帐"),
    (
        (r"party (?:and|&) administrat\w+", r"leadership support", r"agenda"),
        "党政 支持 议事日程",
    ),
    (
        (
            r"recuperation leave",
            r"priority",
            r"recuperation",
            r"study visits?",
            r"rest and recovery",
            r"sanatorium",
        ),
        "优先 疗休养 培训学习",
    ),
    ((r"intellectual property", r"patents?", r"copyrights?", r"ip\b"), "知识产权"),
    ((r"owns?", r"ownership", r"belongs? to", r"owner"), "归属"),
    (
        (
            r"apply (?:the )?results",
            r"put (?:the )?results into practice",
            r"commerciali[sz]\w*",
            r"production",
        ),
        "转化 应用",
    ),
    (
        (r"publicise", r"publicize", r"publicity", r"promote", r"promotion", r"advertis\w+"),
        "宣传 推广",
    ),
    ((r"brand", r"flagship"), "品牌"),
    # assessment, deadline, re-review
    (
        (
            r"annual assessment",
            r"yearly assessment",
            r"assess(?:ment|ed|es)?",
            r"evaluat\w+",
            r"inspection",
        ),
        "考核",
    ),
    (
        (
            r"re-?review(?:ed|s)?",
            r"re-?examin\w+",
            r"every five years",
            r"five[- ]year",
            r"five years",
        ),
        "复核 五年",
    ),
    (
        (
            r"revoke(?:d)?",
            r"revocation",
            r"lose (?:the|its|their) title",
            r"lost (?:the|its|their) title",
            r"strip(?:ped)? of",
            r"withdraw(?:n)? the title",
            r"title",
        ),
        "撤消 称号",
    ),
    # a plain "review" is the yearly assessment or the five-yearly re-review, both Art. 17
    ((r"reviews?", r"reviewed", r"reviewing"), "考核 复核"),
    ((r"fail(?:s|ed)?", r"not up to standard", r"below standard"), "不达标"),
    ((r"deadline", r"due date", r"due", r"cut-?off"), "截止"),
    ((r"days? left", r"how many days", r"days remaining"), "还有几天"),
    ((r"report(?:s|ed|ing)?", r"submit(?:ted)?", r"file(?:d)?"), "上报"),
    ((r"31 december", r"december 31", r"end of (?:the )?year", r"year[- ]end"), "12月31日"),
    ((r"every year", r"each year", r"annual(?:ly)?", r"per year", r"a year", r"yearly"), "每年"),
    ((r"prefecture federation", r"prefecture(?:'s)? (?:trade )?union", r"federation"), "州总工会"),
    ((r"grassroots union", r"grass-roots union", r"basic[- ]level union"), "基层工会"),
    ((r"county unions?", r"county"), "县市区工会"),
    ((r"host unit", r"employer", r"company", r"work ?unit"), "所在单位"),
    ((r"unions?",), "工会"),
    ((r"studios?",), "工作室"),
    # question words the facet detector reads
    ((r"how many people", r"how many members", r"minimum number of (?:people|members)"), "多少人"),
    ((r"how many", r"number of"), "几个"),
    ((r"how often", r"how frequently"), "多久"),
    ((r"at most", r"maximum", r"upper limit", r"cap\b", r"limit"), "最多"),
    (
        (
            r"how long",
            r"how soon",
            r"(?:which|what) year",
            r"when",
            r"what date",
            r"which date",
            r"by what date",
            r"what time",
        ),
        "什么时候",
    ),
    ((r"which (?:body|department|organi[sz]ation|office|level)", r"who"), "谁"),
    (
        (r"procedure", r"process", r"steps"),
        "流程",
    ),
    ((r"paperwork", r"materials", r"documents", r"supporting documents"), "哪些材料"),
    (
        (
            r"appeal",
            r"object to",
            r"complain about the decision",
            r"reconsider\w*",
            r"apply again",
            r"re-?apply",
        ),
        "申诉",
    ),
    ((r"standards?", r"scoring", r"scored", r"marks", r"grading"), "标准"),
    # clearly outside the regulation: mapped so its out-of-scope signals fire
    ((r"salar(?:y|ies)", r"wages?", r"pay ?rise", r"payroll", r"overtime"), "工资"),
    ((r"annual leave", r"sick leave", r"holidays?", r"vacation", r"leave"), "请假"),
    ((r"pensions?", r"retire(?:ment|d)?"), "退休"),
    ((r"social security", r"insurance"), "保险"),
    ((r"tax(?:es|able|ed|ation)?", r"income tax"), "税"),
    ((r"membership fees?", r"union dues", r"dues"), "会费"),
    ((r"reimburse\w*", r"travel expenses", r"business trip"), "报销"),
    ((r"weather", r"rain", r"temperature"), "天气"),
    ((r"elections?", r"chairman", r"chairperson"), "选举"),
    ((r"kunming", r"beijing", r"shanghai", r"other prefectures?", r"other provinces?"), "外地"),
    (
        (
            r"phone number",
            r"address",
            r"contact",
            r"email",
            r"website",
            r"forms?",
            r"templates?",
            r"download",
        ),
        "联系方式 表格",
    ),
    ((r"how do i become", r"become a model worker", r"selected as a model worker"), "怎么评上劳模"),
)
_COMPILED = tuple(
    (re.compile(rf"(?<![a-z])(?:{'|'.join(alternatives)})(?![a-z])"), zh)
    for alternatives, zh in _PHRASES
)
_LETTER = re.compile(r"[a-zA-Z]")
_CJK = re.compile(r"[\u3400-\u9fff]")


def is_english(text: str) -> bool:
    """Mostly ASCII letters: at least twice as many Latin letters as CJK characters."""
    letters = len(_LETTER.findall(text))
    return letters >= 4 and letters >= 2 * len(_CJK.findall(text))


# Other English words for the regulation's own terms, read as the words the phrases know.
_VARIANTS = tuple(
    (re.compile(rf"(?<![a-z]){pattern}(?![a-z])"), word)
    for pattern, word in (
        (r"workshops", "studios"),  # 工作室 is often rendered "innovation workshop"
        (r"workshop", "studio"),
        (r"mgmt", "management"),
        (r"re-?(?:check|examin|evaluat|assess)(?:e|es|ed|ing|ation|ment)?s?", "re-review"),
    )
)


def to_chinese(text: str) -> str:
    """The regulation's terms an English question names, in the order it names them."""
    lowered = text.lower().replace("’", "'")
    for variant, word in _VARIANTS:
        lowered = variant.sub(word, lowered)
    found: list[tuple[int, str]] = []
    taken = [False] * len(lowered)
    for pattern, zh in _COMPILED:
        for match in pattern.finditer(lowered):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            for i in range(start, end):
                taken[i] = True
            found.append((start, zh))
    # Article references ("article 6") and digits the engine reads itself.
    for match in re.finditer(r"\b(?:article|art\.?)\s*(\d{1,3})\b", lowered):
        found.append((match.start(), f"第{match.group(1)}条"))
    found.sort()
    terms = " ".join(zh for _, zh in found)
    if found and "?" in text:
        terms += "?"
    return terms
