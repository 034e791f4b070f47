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
    "起名": "命名",
    "取名": "命名",
    "冠名": "命名",
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
    "图个什么": "目的",
    "图个啥": "目的",
    "图什么": "目的",
    "挂牌": "命名",
    "授牌": "命名",
    "初衷": "目的",
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
    为了 处理 出自 说法 哪条 哪一条 一条 条 一类 哪类 类 情况 问题 具体 相关 有关 意思 指 是指 算
    哪一级 一级 做 干 弄 怎么办 需不需要 必须 一定 能否 可否 允许 提到 涉及 关于 清楚 解答 回答
    本州 属不属于 属于 算不算 是不是属于 包不包括
    除了 还有 其他 其它 另外 以外 之外 最终 最后 到底 究竟 大概 一般
    几本 几种 几类 几样 哪几 哪几本 记 咱 俺 搞 整 弄 呀 嘞 啦
    """
)
_STOP_CHARS = frozenset(
    "的了吗呢吧啊呀么嘛哦是有在和与及或对把被给要会能可这那个一什怎哪些我你他她它们请问"
)

# Single characters that carry the question ("由谁命名" asks for a body).
_SINGLE_CHAR_WORDS = frozenset("谁")

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_ASCII_WORD = re.compile(r"[a-z][a-z0-9]*|[0-9]+")

_DICT_FILE = "data/jieba_small.dict"
# Extra words so jieba keeps the programme's terms whole.
_DOMAIN_WORDS = _words(
    """
    劳模创新工作室 工作室 管理办法 什么人 负责人 台帐 复核 撤消 疗休养 知识产权 州总工会 解释权
    专款专用 传帮带 高师带徒 攻关项目 创新课题 领军人物 一次性补助 考评 命名 备案 不达标 创新团队
    创新成果 管理台帐 成员发展台帐 创新成果台帐 创建活动台帐 品牌项目 先进事迹 资金支持 活动经费
    专项经费 活动场所 党政 基层工会 系统工会 行业工会 劳模待遇 先进工作者 省部级 挪作他用 考察交流
    培训学习 截止 上报 12月31日 目的 归属 科研成果 孵化器 智囊团 方向标 创新源 攻关队
    """
)


def normalize(text: str) -> str:
    """NFKC, lower case, collapse whitespace, and cap the length."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\s+", " ", text).strip()
    return text[:MAX_QUESTION_CHARS]


def apply_synonyms(text: str) -> str:
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
            for word in _DOMAIN_WORDS:
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
        out: list[str] = []
        run: list[str] = []

        def flush() -> None:
            if len(run) >= 2:
                out.extend("b:" + run[i] + run[i + 1] for i in range(len(run) - 1))
            run.clear()

        for word in self.words(text):
            if word in STOPWORDS or not (_CJK_RUN.search(word) or _ASCII_WORD.fullmatch(word)):
                flush()
                continue
            if word in _SINGLE_CHAR_WORDS:
                flush()
                out.append("w:" + word)
                continue
            if len(word) == 1:
                if word in _STOP_CHARS or not _CJK_RUN.fullmatch(word):
                    flush()
                else:
                    run.append(word)
                continue
            flush()
            out.append("w:" + word)
            if _CJK_RUN.fullmatch(word):
                out.extend("b:" + word[i : i + 2] for i in range(len(word) - 1))
        flush()
        return out


def strip_punctuation(text: str) -> str:
    return "".join(c for c in text if not unicodedata.category(c).startswith("P"))


def contains_any(text: str, words: Iterable[str]) -> bool:
    return any(w in text for w in words)
