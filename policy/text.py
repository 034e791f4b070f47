"""Text normalisation and tokenisation for the Q&A engine (jieba words + character bigrams)."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from importlib import resources
from typing import Any

MAX_QUESTION_CHARS = 200

# Colloquial wording -> the regulation's own terms.  Applied to questions and
# to the indexed text alike, longest match first, so both sides meet in the
# regulation's vocabulary.  Entries mapping a word to itself protect it from
# a shorter entry (知识产权 must not become 知识知识产权).
SYNONYMS: Mapping[str, str] = {
    # the programme's own name is in nearly every question; one token is enough
    "西双版纳州劳模创新工作室管理办法": "本办法",
    "这个管理办法": "本办法",
    "这套管理办法": "本办法",
    "这部管理办法": "本办法",
    "此管理办法": "本办法",
    "这套办法": "本办法",
    "这办法": "本办法",
    # "why was this drawn up" asks about Art. 1
    "定这个规矩": "制定本办法",
    "定这规矩": "制定本办法",
    "定这套规矩": "制定本办法",
    "定这个办法": "制定本办法",
    "定这办法": "制定本办法",
    # drawing up one's own measures is Art. 18 (a studio's own rules are Art. 10)
    "定办法": "制定管理办法",
    "订办法": "制定管理办法",
    "定个办法": "制定管理办法",
    "订个办法": "制定管理办法",
    "出个办法": "制定管理办法",
    "出个管理办法": "制定管理办法",
    "搞个办法": "制定管理办法",
    "弄个办法": "制定管理办法",
    "出这个办法": "制定本办法",
    "出这办法": "制定本办法",
    "这规矩": "本办法",
    "这个规矩": "本办法",
    "这套规矩": "本办法",
    "这些规矩": "本办法",
    # "falls under the regulation" asks about its scope (Art. 2)
    "归这办法管": "适用",
    "归这个办法管": "适用",
    "归本办法管": "适用",
    "归办法管": "适用",
    "这办法管": "适用",
    "这个办法管": "适用",
    "这个规定": "本办法",
    "这项规定": "本办法",
    "针对": "适用",
    "按这个来": "适用",
    "照这个来": "适用",
    "按这个办法": "适用",
    "按本办法": "适用",
    "技术能手": "专业技术人员",
    "业务骨干": "专业技术人员",
    "技术尖子": "专业技术人员",
    "谁的名字": "谁的名字",
    "谁的名": "谁的名字",
    "哪一年": "哪一年",
    "一年": "每年",
    "这部办法": "本办法",
    "这份管理办法": "本办法",
    "该管理办法": "本办法",
    "本管理办法": "本办法",
    "劳模创新工作室管理办法": "本办法",
    "劳模创新工作室": "工作室",
    "县(市、区)": "县市区",
    "各县市区": "县市区",
    "各县市": "县市区",
    "各县": "县市区",
    "县市": "县市区",
    "县里": "县市区",
    "县上": "县市区",
    "县总工会": "县市区工会",
    "县总": "县市区工会",
    "市总": "县市区工会",
    "市总工会": "县市区工会",
    "区工会": "县市区工会",
    "系统(行业)": "系统行业",
    "行业工会": "系统行业工会",
    "系统工会": "系统行业工会",
    "西双版纳州总工会": "州总工会",
    "西双版纳傣族自治州": "本州",
    "西双版纳州": "本州",
    "西双版纳": "本州",
    "版纳": "本州",
    "硬指标": "条件",
    "指标": "条件",
    "创新工作室": "工作室",
    "一级一级": "逐级",
    "什么样的人": "什么人",
    "哪种人": "什么人",
    "哪些人": "什么人",
    "层层": "逐级",
    # money
    "钱": "经费",
    "拿钱支持": "资金支持",
    "出钱支持": "资金支持",
    "给钱支持": "资金支持",
    "拿钱": "资金支持",
    "出钱": "承担经费",
    "掏钱": "承担经费",
    "谁出": "谁承担",
    "负担": "承担",
    "平时": "日常",
    "组织建": "组织创建",
    "谁建": "谁创建",
    "叫什么名": "叫什么名字",
    "叫啥名": "叫什么名字",
    "干什么": "任务",
    "干啥": "任务",
    "干些什么": "任务",
    "干些啥": "任务",
    "做些什么": "任务",
    "做些啥": "任务",
    "干嘛": "任务",
    "为了干什么": "目的",
    "为了干啥": "目的",
    "为了什么": "目的",
    "为了啥": "目的",
    "带年轻人": "带徒弟",
    "带新人": "带徒弟",
    "带新手": "带徒弟",
    "带青年": "带徒弟",
    "专门用在": "专款专用",
    "专门用于": "专款专用",
    "只能用在": "专款专用",
    "只能用于": "专款专用",
    "够哪": "满足条件",
    "够不够格": "条件",
    "够格": "条件",
    "受不受": "适用",
    "归不归": "适用",
    "管不管": "适用",
    "适不适用": "适用",
    "办法管吗": "适用",
    "办法管么": "适用",
    "办法管不": "适用",
    "办法管的": "适用",
    "牵的头": "组织",
    "牵头组织": "组织",
    "组织牵头": "组织",
    "忙些什么": "任务",
    "忙什么": "任务",
    "忙些啥": "任务",
    "忙啥": "任务",
    "平常": "日常",
    "费用": "经费",
    "活动费": "活动经费",
    "补贴": "补助",
    "补助金": "补助",
    "补助资金": "补助",
    "奖励": "补助",
    "拨款": "资金支持",
    "拨钱": "资金支持",
    "扶持资金": "资金支持",
    "资助": "资金支持",
    "经费支持": "资金支持",
    "挪用": "挪作他用",
    "难题": "难点",
    "难处": "难点",
    "老大难": "难点",
    "拿去用": "应用",
    "拿来用": "应用",
    "用起来": "应用",
    "一直是": "终身",
    "一直都是": "终身",
    "永远是": "终身",
    "摘掉": "撤消",
    "拿来买": "专款专用",
    "用来买": "专款专用",
    "买设备": "专款专用",
    "购置设备": "专款专用",
    "厂名": "单位名字",
    "单位名": "单位名字",
    "公司名": "单位名字",
    "企业名": "单位名字",
    "亮点": "品牌",
    "硬杠杠": "条件",
    "硬杠子": "条件",
    "硬性条件": "条件",
    "评出来": "考评命名",
    "评选出来": "考评命名",
    "透明": "公开透明",
    "公开透明": "公开透明",
    "档案": "台帐",
    "建档": "建立台帐",
    "满五年": "五年复核",
    "五年后": "五年复核",
    "五年以后": "五年复核",
    "五年到期": "五年复核",
    "自己的办法": "自己的管理办法",
    "本地的办法": "本地的管理办法",
    "配套办法": "配套的管理办法",
    "挂名": "负责",
    "照着": "参照",
    "比照": "参照",
    "依照": "参照",
    "归个人": "归属",
    "归单位": "归属",
    "归集体": "归属",
    "批下来": "审批",
    "批复": "审批",
    "用于别的": "挪作他用",
    "用在别的": "挪作他用",
    "用到别的": "挪作他用",
    "挪到别的": "挪作他用",
    "其他用途": "挪作他用",
    "别的用途": "挪作他用",
    # leader
    "带头人": "负责人",
    "牵头人": "负责人",
    "领头人": "负责人",
    "领头羊": "负责人",
    "领衔人": "负责人",
    "主持人": "负责人",
    "领导人": "负责人",
    "负责的人": "负责人",
    "牵头": "负责",
    "领头": "负责",
    "挑头": "负责",
    "挂帅": "负责",
    "劳动模范": "劳模",
    # re-review and revocation
    "复查": "复核",
    "复审": "复核",
    "复评": "复核",
    "重审": "复核",
    "重新审核": "复核",
    "重新审查": "复核",
    "重新评估": "复核",
    "重新认定": "复核",
    "再审核": "复核",
    "重新审": "复核",
    "重新评": "复核",
    "重新核": "复核",
    "重新考评": "复核",
    # who manages the studios (Art. 17), not whose they are (Art. 14)
    "归谁管": "谁管理",
    "归哪管": "谁管理",
    "归哪个工会管": "哪个工会管理",
    "归哪级工会管": "哪级工会管理",
    "谁来管": "谁管理",
    "谁批准": "谁审批",
    "谁批": "谁审批",
    "批准": "审批",
    "谁管": "谁管理",
    "撤销": "撤消",
    "摘牌": "撤消",
    "摘帽": "撤消",
    "撤牌": "撤消",
    "除名": "撤消",
    "吊销": "撤消",
    "取消": "撤消",
    "收回": "撤消",
    "不合格": "不达标",
    "没达标": "不达标",
    "未达标": "不达标",
    "达不到标准": "不达标",
    "不过关": "不达标",
    # ledgers
    "台账": "台帐",
    "账本": "台帐",
    "帐本": "台帐",
    "账册": "台帐",
    "登记簿": "台帐",
    "记录本": "台帐",
    "本子": "台帐",
    "小本本": "台帐",
    "簿子": "台帐",
    "记啥": "记录什么",
    "记什么": "记录什么",
    "记些啥": "记录什么",
    "记些什么": "记录什么",
    # intellectual property
    "知识产权": "知识产权",
    "专利": "知识产权",
    "著作权": "知识产权",
    "版权": "知识产权",
    "产权": "知识产权",
    "归谁": "归属",
    "属于谁": "归属",
    "归哪": "归属",
    "是谁的": "归属",
    # dates
    "年底": "12月31日",
    "年末": "12月31日",
    "年终": "12月31日",
    "12月底": "12月31日",
    "十二月底": "12月31日",
    "十二月三十一日": "12月31日",
    "12月31号": "12月31日",
    "最后期限": "截止",
    "截至": "截止",
    "期限": "截止",
    "deadline": "截止",
    "annual": "每年",
    "report": "上报",
    # reporting and applying
    "报上去": "上报",
    "交上去": "上报",
    "报送": "上报",
    "上交": "上报",
    "提交": "上报",
    "申请": "申报",
    "报名": "申报",
    "申办": "申报",
    "推选": "推荐",
    "举荐": "推荐",
    "评审": "考评",
    "评定": "考评",
    "年检": "考核",
    "年审": "考核",
    "年度检查": "考核",
    "存档": "备案",
    # bodies
    "州总工会": "州总工会",
    "州总": "州总工会",
    "州工会": "州总工会",
    "州里": "州总工会",
    "州上": "州总工会",
    "党委": "党政",
    "行政领导": "党政",
    "单位领导": "党政",
    # caring for members
    "疗休养": "疗休养",
    "疗养": "疗休养",
    "休养": "疗休养",
    "外出考察": "考察交流",
    "参观学习": "考察交流",
    "进修": "培训学习",
    # publicity, brand
    "报道": "宣传",
    "宣扬": "宣传",
    "宣讲": "宣传",
    "招牌": "品牌",
    "金字招牌": "品牌",
    # entry into force, interpretation
    "施行": "实施",
    "生效": "实施",
    "执行": "实施",
    "实行": "实施",
    "谁解释": "解释权",
    "解释": "解释权",
    "解释权": "解释权",
    # names and conditions
    # choosing the studio's name is Art. 3; 命名 (conferring the title) is Art. 8
    "起名": "名字",
    "取名": "名字",
    "冠名": "名字",
    "名称": "名字",
    "门槛": "条件",
    "资格": "条件",
    "硬性要求": "条件",
    # creating a studio
    "成立": "创建",
    "组建": "创建",
    "设立": "创建",
    "创办": "创建",
    "新建": "创建",
    "场地": "场所",
    "地方": "场所",
    "办公室": "场所",
    "活动室": "场所",
    "房间": "场所",
    "场子": "场所",
    "队伍": "团队",
    "班子": "团队",
    # question words
    "啥": "什么",
    "咋": "怎么",
    "为啥": "为什么",
    "宗旨": "目的",
    "立意": "目的",
    "倾斜": "优先",
    "图个什么": "目的",
    "图个啥": "目的",
    "图啥": "目的",
    "图什么": "目的",
    "挂牌": "命名",
    "授牌": "命名",
    "初衷": "目的",
    # everyday paraphrase of the regulation's terms
    "出发点": "目的",
    "用意": "目的",
    "初心": "目的",
    "本事": "专长",
    "本领": "专长",
    "能耐": "专长",
    "特长": "专长",
    "绝活": "专长",
    "头头": "负责人",
    "的头": "的负责人",
    "当头": "当负责人",
    "头儿": "负责人",
    "一把手": "负责人",
    "技术员": "专业技术人员",
    "技术工人": "专业技术人员",
    "工程师": "专业技术人员",
    "技师": "专业技术人员",
    "技术骨干": "专业技术人员",
    "拍板": "决定",
    "说了算": "决定",
    "做主": "决定",
    "作主": "决定",
    "定夺": "决定",
    "永久": "终身",
    "永远": "终身",
    "一辈子": "终身",
    "长期有效": "终身",
    "一直有效": "终身",
    "地盘": "场所",
    "工作间": "场所",
    "屋子": "场所",
    "开销": "经费",
    "花销": "经费",
    "开支": "经费",
    "花费": "经费",
    "规矩": "制度",
    "章程": "制度",
    "议事日程": "议事日程",
    "日程": "议事日程",
    "议程": "议事日程",
    "积极性": "热情",
    "干劲": "热情",
    "劲头": "热情",
    "落地": "应用",
    "投入使用": "应用",
    "用到": "应用",
    "号召": "引导",
    "管用": "实施",
    "起效": "实施",
    "不明白的地方": "疑问",
    "不清楚的地方": "疑问",
    "不懂的地方": "疑问",
    "有疑问的地方": "疑问",
    "不明白": "疑问",
    "不清楚": "疑问",
    "搞不懂": "疑问",
    "看不懂": "疑问",
    "有歧义": "疑问",
    "有争议": "疑问",
    "企业": "单位",
    "公司": "单位",
    "厂里": "单位",
    "厂子": "单位",
    "我们厂": "单位",
    "咱们厂": "单位",
    "咱厂": "单位",
    "俺们厂": "单位",
    "俺厂": "单位",
    "本厂": "单位",
    "自发": "自己",
    "自行": "自己",
    "私自": "自己",
    "哪家": "哪个单位",
    "智囊团": "智囊团",
    "智囊": "智囊团",
    "年纪": "年龄",
    "岁数": "年龄",
    "老中青": "年龄结构",
    "改进": "创新",
    "改良": "创新",
    # a bare 账/帐 is a ledger; the accounts and payments that contain it are kept whole
    "账号": "账号",
    "账户": "账户",
    "到账": "到账",
    "报账": "报账",
    "账": "台帐",
    "帐": "台帐",
    "台帐": "台帐",
    "帐户": "帐户",
    "帐号": "帐号",
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SYNONYM_RE = re.compile("|".join(re.escape(k) for k in sorted(SYNONYMS, key=len, reverse=True)))

# Words carrying no content: function words, question words, generic fillers.
STOPWORDS = _words(
    """
    的 了 吗 呢 吧 啊 呀 么 嘛 哦 是 有 没 没有 在 和 与 及 或 对 把 被 给 由 从 向 要 会 能 可以 可
    需要 应该 应当 该 都 也 还 就 又 很 这 那 这个 那个 这些 那些 哪 哪个 哪些 什么 什么样 怎么
    怎样 如何 怎么样 多少 请问 问 问下 一下 我 我们 你 你们 他 她 它 他们 咱们 个 一 之 等 其 所
    为 以 于 并 将 而 着 过 不 是否 是不是 能不能 要不要 行不行 可不可以 有没有 会不会 呗 里 中 上
    下 说 讲 规定 办法 本 本办法 么样 啥样 还是 得 地 来 去 想 知道 告诉 一些 哪里 哪儿 这份 那份
    为了 处理 出自 说法 哪条 哪一条 一条 条 类 情况 问题 具体 相关 有关 意思 算 不算
    哪一级 一级 做 干 弄 怎么办 需不需要 必须 一定 能否 可否 允许 提到 涉及 关于 清楚 解答 回答
    本州 属不属于 属于 算不算 是不是属于 包不包括
    现在 目前 如今 眼下 已经 这里 那里 这儿 那儿 里面 里头 这么 那么 这样 那样 这种 那种
    起来 出来 下来 上去 上来 下去 以后 之后 随便 本人 一天到晚 整天 天天 成天 使劲 努力 首先
    第一步 样子 不行 行吗 可不可以 管不管 归不归 算数 作数 一直 再 真的 能够 务必 多久 多长
    多长时间 时候 是不是 有没有 了没 没了 还能 还要 还得 还会 主要 平时 究竟 这事 这件事 那事
    这块 这方面 方面 东西 事情 事儿 咋样 啥样 啥样子 好不好 对不对 成不成 中不中 靠谱 管
    除了 还有 其他 其它 另外 以外 之外 最终 最后 到底 究竟 大概 一般 不要 要不
    几本 几种 几类 几样 哪几 哪几本 几个 哪几个 几项 几次 多少个 多少项 记 咱 俺 搞 整 弄 呀 嘞 啦
    谢谢 感谢 多谢 你好 您好 麻烦 辛苦 老师 领导 同志 师傅 在吗 打扰
    不能 不会 能不 只是 仅仅 光是 几年 多少年
    what is the a an of for to do does how when which who are be by in on it this that
    """
)
_STOP_CHARS = frozenset(
    "的了吗呢吧啊呀么嘛哦是有在和与及或对把被给要会能可这那个一什怎哪些我你他她它们请问"
)

# Single characters that carry the question ("由谁命名" asks for a body,
# "工作室是指哪些" for the definition).
_SINGLE_CHAR_WORDS = frozenset("谁指")

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_ASCII_WORD = re.compile(r"[a-z][a-z0-9]*|[0-9]+")

_DICT_FILE = "data/jieba_small.dict"
_COMMON_FREQ = 2000  # a word this frequent is never a typo
_EVERYDAY_FREQ = 800  # a typo window never cuts a word this frequent in two
# Extra words so jieba keeps the programme's terms whole.
DOMAIN_WORDS = _words(
    """
    劳模创新工作室 工作室 管理办法 什么人 负责人 台帐 复核 撤消 疗休养 知识产权 州总工会 解释权
    专款专用 传帮带 高师带徒 攻关项目 创新课题 领军人物 一次性补助 考评 命名 备案 不达标 创新团队
    创新成果 管理台帐 成员发展台帐 创新成果台帐 创建活动台帐 品牌项目 先进事迹 资金支持 活动经费
    专项经费 活动场所 党政 基层工会 系统工会 行业工会 劳模待遇 先进工作者 省部级 挪作他用 考察交流
    培训学习 截止 上报 12月31日 目的 归属 科研成果 孵化器 智囊团 方向标 创新源 攻关队 找谁
    """
)


def normalize(text: str) -> str:
    """NFKC, lower case, collapse whitespace, and cap the length."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\s+", " ", text).strip()
    return text[:MAX_QUESTION_CHARS]


# How people type on phones in Yunnan and Sichuan: dialect words and sentence-final
# particles, rewritten to standard Mandarin before anything else reads the question.
_DIALECT: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"要得不要得|要不要得|要得不|要得么|要得吗|得不得行|得行不|得不得"), "可以吗"),
    # voice input hears 工作室 as 工作是 ("劳模工作是想报上去", "工作是是所有…")
    (
        re.compile(
            r"(?:(?<=劳模|创新|创建|这个|那个)|(?<=的))工作是(?=是|想|要|能|可以|搞|还|都|也|[吗不?？\s]|$)"
        ),
        "工作室",
    ),
    (re.compile(r"咋个|啷个|咋子|咋样子"), "怎么"),
    (re.compile(r"啥子|哪样|什么子"), "什么"),
    (re.compile(r"莫得|没得|冇得|冇"), "没有"),
    (re.compile(r"得行"), "可以"),
    # south-western 哪个 is "who" unless it picks a thing (哪个部门, 哪个月)
    (
        re.compile(
            r"哪个(?!单位|部门|工会|级|机构|地方|条|文件|会|项|省|州|县|市|区|月|年|季度|时候|阶段|"
            r"工作室|方面|领域|规定|办法|人|专业|学历|结构|平台|网站|楼|渠道|环节)"
        ),
        "谁",
    ),
    (re.compile(r"好久(?=能|才|可以|会|批|下|一次|到|给|发|复核|考核|申报|报)"), "多久"),
    (re.compile(r"好多(?=钱|个|项|次|天|年|人|本|块|补助|补贴|经费|资金|万|[?？吗呢]|$)"), "多少"),
    (re.compile(r"晓得"), "知道"),
    (re.compile(r"(?<=怎么)整|整(?=[不吗么嘛哈呢?？,，。\s]|$)"), "做"),
    (
        re.compile(
            r"(?<=[\u4e00-\u9fff])(?:不|嘛|噻|撒|哈|喃|啵|咯|嘞|咧|哇|不咯|没得|没有|没)(?=[?？!！。,，.\s]|$)"
        ),
        "吗",
    ),
    (re.compile(r"吗吗+"), "吗"),
)


def _is_symbol(char: str) -> bool:
    category = unicodedata.category(char)
    return category in {"So", "Sk", "Cs", "Co", "Cn"} or (
        category == "Mn" and 0xFE00 <= ord(char) <= 0xFE0F
    )


# Characters of function and question words: a window holding one is not a typo.
_FUNCTION_CHARS = frozenset(
    "的了吗呢吧啊呀么嘛哦是有在和与及或对把被给要会能可这那个一什怎哪些我你他她它们请问几多谁啥咋不没也都还就"
)


class PhoneText:
    """Traditional characters, emoji, dialect and pinyin-level typos, made plain.

    Typos are fixed against the index's own words: a 2-4 character window the
    index has never seen, whose toneless pinyin equals that of an index word
    sharing at least one character in the same place, becomes that word
    (复合 -> 复核, 老模 -> 劳模, 工做室 -> 工作室).
    """

    def __init__(self) -> None:
        self._converter: Any = None
        self._pinyin: Any = None
        self._vocab: frozenset[str] = frozenset()
        self._by_sound: dict[tuple[str, ...], list[str]] = {}
        self._common: frozenset[str] = frozenset()
        self._everyday: frozenset[str] = frozenset()

    def warm(self, targets: Iterable[str], known: Iterable[str]) -> None:
        """``targets``: the regulation's own terms a typo may stand for; ``known``: every
        word the index knows, which is never "corrected"."""
        from opencc import OpenCC
        from pypinyin import lazy_pinyin

        self._converter = OpenCC("t2s")
        self._pinyin = lazy_pinyin
        words = {w for w in targets if 2 <= len(w) <= 4 and _CJK_RUN.fullmatch(w)}
        self._vocab = frozenset(
            words | {w for w in known if 2 <= len(w) <= 6} | {w for w in STOPWORDS if len(w) >= 2}
        )
        by_sound: dict[tuple[str, ...], list[str]] = {}
        for word in sorted(words):
            by_sound.setdefault(tuple(lazy_pinyin(word)), []).append(word)
        self._by_sound = by_sound
        # Everyday words are typed right even when they sound like a term of the
        # regulation (同事 is not 同时); a window that cuts an everyday word in two
        # ("用语音": 用语 | 音) is no typo either.
        common: set[str] = set()
        everyday: set[str] = set()
        with resources.files("policy").joinpath(_DICT_FILE).open(encoding="utf-8") as lines:
            for line in lines:
                word, _, freq = line.strip().partition(" ")
                if len(word) >= 2 and freq.isdigit():
                    if int(freq) >= _COMMON_FREQ:
                        common.add(word)
                    if int(freq) >= _EVERYDAY_FREQ:
                        everyday.add(word)
        self._common = frozenset(common - words)
        self._everyday = frozenset(everyday - words)

    def _splits_a_word(self, run: str, start: int, end: int) -> bool:
        for size in (2, 3):
            for i in range(max(0, start - size + 1), min(end, len(run) - size + 1)):
                if (i < start or i + size > end) and run[i : i + size] in self._everyday:
                    return True
        return False

    def clean(self, text: str) -> str:
        text = "".join(" " if _is_symbol(c) else c for c in text)
        if self._converter is not None:
            text = self._converter.convert(text)
        text = re.sub(r"\s+", " ", text).strip()
        for pattern, replacement in _DIALECT:
            text = pattern.sub(replacement, text)
        if self._pinyin is not None:
            text = _CJK_RUN.sub(lambda m: self._fix_run(m.group(0)), text)
        return text

    def _fix_run(self, run: str) -> str:
        if len(run) < 2:
            return run
        sounds = self._pinyin(run)
        if len(sounds) != len(run):
            return run
        # Characters inside a word the index knows are right as typed.
        covered = [False] * len(run)
        for i in range(len(run)):
            for size in range(2, 7):
                if run[i : i + size] in self._vocab:
                    covered[i : i + size] = [True] * size
        out = list(run)
        i = 0
        while i < len(out) - 1:
            for size in (4, 3, 2):
                if i + size > len(out) or any(covered[i : i + size]):
                    continue
                window = "".join(out[i : i + size])
                if any(c in _FUNCTION_CHARS for c in window):
                    continue  # "是用", "几本": function words typed right
                if window in self._common or self._splits_a_word(run, i, i + size):
                    continue
                for word in self._by_sound.get(tuple(sounds[i : i + size]), ()):
                    same = sum(a == b for a, b in zip(word, window, strict=True))
                    if same >= max(1, size - 2):
                        out[i : i + size] = list(word)
                        covered[i : i + size] = [True] * size
                        break
            i += 1
        return "".join(out)


# Phrasings a word list cannot catch, rewritten before the synonyms when the
# question matches the context pattern (always, for an empty one).
_REWRITES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    # Having (or lacking) a model worker at the head is the Art. 6(1) condition;
    # a "劳模带头人" is still the person of Art. 3.
    (
        re.compile(
            r"(?:没有|没|必须有|必须要有|得有|要有|非得有|一定要有|至少有|至少要有)"
            r"(?:一个|一名|个)?(?:劳模|劳动模范)(?:领衔|领头|带头|牵头|挂帅)?(?!人)"
        ),
        "劳模领衔",
        "",
    ),
    (re.compile(r"(?:劳模|劳动模范)(?:领头|带头|牵头|挂帅)(?!人)"), "劳模领衔", ""),
    # helping members along when honours are recommended is Art. 13's 扶持
    (re.compile(r"推一把|拉一把|帮着推|帮忙推|帮一把|帮忙"), "扶持", "先进"),
    # What money may be spent on is Art. 9's earmarking (专款专用), whatever the spending.
    (
        re.compile(r"(拿来|用来|用于|挪去|挪用|拿去|用去|花在|花到|用作|当作|当成)"),
        r"\1 专款专用 ",
        r"(补助|补贴|经费|资金|钱|款)[^,，。?？]{0,6}"
        r"(拿来|用来|用于|挪|拿去|用去|花在|花到|用作|当作|当成)",
    ),
    # Whether a kind of studio "counts" is the scope of the measures (Art. 2).
    (
        re.compile(
            r"(工作室[^,，。?？]{0,3}?)(?:算不算|算数|才算|都算|只算|算是|算)(?!劳模|创新|工作)"
        ),
        r"\1适用",
        # ... unless it asks about studios from before the measures took effect (Art. 19)
        r"^(?!.*(?:发布|实施|施行|以前|之前)).*工作室",
    ),
    # "图的是啥", "为啥要搞这个": what the measures are for is their purpose (Art. 1)
    (
        re.compile(
            r"图[的是个]{0,2}(?:什么|啥)|(?:为什么|为啥|为何)要(?:搞|出|定|弄|制定|订|整)"
            r"(?:出来)?(?=这|本|办法)"
        ),
        "目的",
        "",
    ),
    # a leading or exemplary role is Art. 1's 示范引领作用 (传帮带 is Art. 4's)
    (re.compile(r"(?:带头|表率|榜样|引领|示范|领头)作用"), "示范引领作用", ""),
    # passing a practice on to other units is Art. 15's 推广
    (
        re.compile(
            r"推(?:给|到|向|荐给)[^,，。?？]{0,4}(?:别的|其他|其它|外|兄弟)[^,，。?？]{0,3}"
            r"(?:单位|厂|企业|地方|部门)|(?:让|给|教)(?:别的|其他|其它|兄弟)[^,，。?？]{0,4}学"
        ),
        r"\g<0> 推广 ",
        "",
    ),
    # keeping it going for good is Art. 16's 深入持久
    (
        re.compile(
            r"(?:一直|长期|持续|长久|永远|坚持)[^,，。?？]{0,3}(?:搞|做|开展|干|办|弄)(?:下去)?|"
            r"(?:搞|做|干|办|弄)下去"
        ),
        r"\g<0> 持久 ",
        "",
    ),
    # "整成啥样子", "搞成什么样": what the studio should become is its goal (Art. 5)
    (re.compile(r"(?:整|弄|搞|做|建)成(?=啥|什么|哪样|怎样|样子|一个)"), "办成", ""),
    # How long a title lasts is the five-yearly re-review (Art. 17); how long the
    # measures last is Art. 19's.
    (
        re.compile(r"(?:一直|永远|永久|长期|终身)[^,，。?？]{0,3}有效"),
        "终身有效",
        "",
    ),
    # A union body "管不管" the studios asks about management (Art. 17), not scope.
    (
        re.compile(
            r"(工会|州总|州里|州上|上级|县里|县上)(?:会|要|也|都|还|到底|该)?管(?!理)"
            r"(?:不管|吗|么|嘛|不|没有|没)?"
        ),
        r"\1管理",
        "工作室",
    ),
)


def apply_synonyms(text: str) -> str:
    for pattern, replacement, context in _REWRITES:
        if re.search(context, text):
            text = pattern.sub(replacement, text)
    return _SYNONYM_RE.sub(lambda m: SYNONYMS[m.group(0)], text)


class Tokenizer:
    """jieba words plus CJK character bigrams, in separate namespaces."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jieba: Any = None

    def warm(self) -> None:
        if self._jieba is not None:
            return
        with self._lock:
            if self._jieba is not None:
                return
            import jieba

            jieba.setLogLevel(logging.WARNING)
            with ExitStack() as stack:
                # The full jieba dictionary takes ~1.5 s to unmarshal; a
                # trimmed copy (words <= 4 chars, frequency >= 50, built with
                # awk '$2>=50 && length($1)<=4 {print $1" "$2}' jieba/dict.txt)
                # loads in ~0.2 s and segments questions just as well.
                path = stack.enter_context(
                    resources.as_file(resources.files("policy").joinpath(_DICT_FILE))
                )
                tokenizer = jieba.Tokenizer(dictionary=str(path))
                tokenizer.initialize()
            for word in DOMAIN_WORDS:
                tokenizer.add_word(word, freq=2000)
            self._jieba = tokenizer

    def words(self, text: str) -> list[str]:
        self.warm()
        return [w for w in self._jieba.lcut(text, HMM=False) if w.strip()]

    def tokens(self, text: str) -> list[str]:
        """Tokens of already-normalised, synonym-mapped text.

        Words of two or more characters, plus the character bigrams inside
        them; characters jieba leaves on their own (words it does not know)
        are joined back into runs and contribute their bigrams.  Bigrams
        across word boundaries are noise and are not produced.
        """
        return [token for group in self.groups(text) for token in group]

    def groups(self, text: str) -> list[tuple[str, ...]]:
        """The tokens of :meth:`tokens`, grouped by the word (or run) they come from.

        A word's group starts with its ``w:`` token, followed by its bigrams;
        a run of single characters is a group of bigrams only.
        """
        out: list[tuple[str, ...]] = []
        run: list[str] = []

        def flush() -> None:
            if len(run) >= 2:
                out.append(tuple("b:" + run[i] + run[i + 1] for i in range(len(run) - 1)))
            run.clear()

        for word in self.words(text):
            if word in STOPWORDS or not (_CJK_RUN.search(word) or _ASCII_WORD.fullmatch(word)):
                flush()
                continue
            if word in _SINGLE_CHAR_WORDS:
                flush()
                out.append(("w:" + word,))
                continue
            if len(word) == 1:
                if word in _STOP_CHARS or not _CJK_RUN.fullmatch(word):
                    flush()
                else:
                    run.append(word)
                continue
            flush()
            group = ["w:" + word]
            if _CJK_RUN.fullmatch(word):
                group.extend("b:" + word[i : i + 2] for i in range(len(word) - 1))
            out.append(tuple(group))
        flush()
        return out


def strip_punctuation(text: str) -> str:
    return "".join(c for c in text if not unicodedata.category(c).startswith("P"))


def contains_any(text: str, words: Iterable[str]) -> bool:
    return any(w in text for w in words)
