"""Policy questions in chat: three kinds of answer, several questions, English, follow-ups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.offline import Person
from tests.harness import BotHarness

ASKER = Person(9009, "玉香")
ANNA = Person(9010, "Anna", language_code="en")


@pytest.mark.postgres
async def test_answered_question_says_it_directly_then_quotes_the_clause(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "工作室每年要有几个立项的项目？")
    lines = replies[0].splitlines()
    assert lines[0] == "✅ 每年至少要有 1 个立项的创新课题或攻关项目。"
    assert lines[1].startswith("📖 第六条第（三）项")
    assert "每年至少有1个立项的创新课题或攻关项目" in lines[2]
    assert "有劳模领衔" not in replies[0]  # only the condition asked about, not all five
    labels = bot.button_labels(ASKER)
    assert 1 <= len(labels) <= 3 and all(label.startswith("第") for label in labels)
    opened = await bot.press(ASKER, labels[0])
    assert opened[0].startswith(labels[0].split()[0])


async def test_related_but_silent_names_the_article_and_what_it_leaves_open(
    bot: BotHarness,
) -> None:
    replies = await bot.send(ASKER, "评上以后州里给的补助有多少钱？")
    first = replies[0].splitlines()[0]
    assert first.startswith("🟡 第九条规定：")
    assert "一次性补助" in first and "《办法》本身没有规定具体金额" in first
    assert "第九条" in replies[0] and "州总工会" in replies[0]
    assert not replies[0].startswith("✅")
    assert bot.button_labels(ASKER)  # the related articles are still offered


async def test_silent_on_a_who_pays_question_about_patents(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "专利申请费由谁承担？")
    first = replies[0].splitlines()[0]
    assert first.startswith("🟡 第十四条规定：")
    assert "按照有关法律法规执行" in first and "没有规定这笔费用由谁承担" in first


async def test_ask_command_and_an_uncovered_question(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "/ask 职工生病请假怎么算工资？")
    assert replies[0].startswith("❔ 《办法》没有规定这个问题")
    assert "第" not in replies[0].split("\n")[0]  # cites no article
    assert "所在工会、州总工会" in replies[0]  # where to ask instead
    assert bot.button_labels(ASKER) == ["📖 《办法》目录"]
    assert "/ask 后面写上" in (await bot.send(ASKER, "/ask"))[0]


async def test_three_questions_in_one_voice_message_get_three_answers(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "工作室一年要几个项目 成果两年要几项 日常经费谁出")
    text = replies[0]
    assert text.startswith("你这条消息里有 3 个问题")
    assert text.index("第六条第（三）项") < text.index("第六条第（四）项") < text.index("第九条")
    assert text.count("✅") == 3
    assert len(bot.button_labels(ASKER)) >= 2


async def test_a_second_question_after_a_pause_and_还有_is_answered_too(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "考核几号前报上去 还有这套规矩的解释权归哪个")
    text = replies[0]
    assert text.startswith("你这条消息里有 2 个问题")
    assert text.index("第十七条") < text.index("第十九条")


async def test_an_either_or_question_that_also_asks_or_both_gets_both(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "市总是要年年考核工作室还是要自己订办法 还是两样都要做")
    text = replies[0]
    assert text.startswith("你这条消息里有 2 个问题")
    assert "第十七条" in text and "第十八条" in text
    # an ordinary either-or question is one question with one article
    single = (await bot.send(ASKER, "台账是工作室自己记还是工会记"))[0]
    assert single.startswith("✅") and "第十一条" in single


async def test_a_threshold_the_text_never_sets_is_related_but_silent(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "团队里的人必须大专以上吗")
    first = replies[0].splitlines()[0]
    assert first.startswith("🟡 第六条")
    assert "没有规定学历、年龄等具体门槛" in first
    # the general quality it does state answers the general question
    general = (await bot.send(ASKER, "团队的学历结构有讲究不 随便凑几个人要得不"))[0]
    assert general.startswith("✅") and "相对合理" in general


async def test_spending_the_subsidy_on_something_else_is_art9_earmarking(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "州里的补助能不能拿去给职工买年货")
    assert replies[0].startswith("✅")
    assert "第九条" in replies[0] and "专款专用" in replies[0]


async def test_voice_typo_工作是_does_not_turn_a_studio_question_away(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "我们的劳模工作是想申报 该找哪个推荐")
    assert replies[0].startswith("✅") and "第八条" in replies[0]


async def test_english_nominating_a_model_worker_is_not_a_studio_question(
    bot: BotHarness,
) -> None:
    replies = await bot.send(ANNA, "How can I be nominated as a provincial model worker?")
    assert replies[0].startswith("❔")
    replies = await bot.send(ANNA, "Who nominates a studio?")
    assert replies[0].startswith("✅") and "Article 8" in replies[0]


async def test_english_question_gets_english_answer_quoting_the_chinese(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "Who pays the day-to-day running costs of a studio?")
    lines = replies[0].splitlines()
    assert lines[0].startswith("✅ Day-to-day running costs are in principle paid by the host unit")
    assert lines[1].startswith("📖 Article 9 (第九条)")
    assert "日常工作活动经费原则上由所在单位承担" in lines[2]
    not_covered = await bot.send(ASKER, "What is the weather like in Jinghong tomorrow?")
    assert not_covered[0].startswith("❔ The regulation does not cover this question")


async def test_english_user_gets_english_frame(bot: BotHarness) -> None:
    replies = await bot.send(ANNA, "工作室的日常经费由谁承担？")
    assert "第九条" in replies[0] and "host unit" in replies[0]
    assert bot.button_labels(ANNA)[0].startswith("第") and "Art" not in bot.button_labels(ANNA)[0]


async def test_remembered_answers_and_buttons_still_follow_each_readers_language(
    bot: BotHarness,
) -> None:
    # The same question twice from each: the second is answered from memory (engine and
    # keyboard), and must still be in the language of the one who reads it.
    for _ in range(2):
        zh = await bot.send(ASKER, "工作室的日常经费由谁承担？")
        en = await bot.send(ANNA, "工作室的日常经费由谁承担？")
        assert "第九条" in zh[0] and "host unit" not in zh[0]
        assert "第九条" in en[0] and "host unit" in en[0]
        zh_labels, en_labels = bot.button_labels(ASKER), bot.button_labels(ANNA)
        assert zh_labels and en_labels and zh_labels[0].startswith("第")
        english = await bot.send(ASKER, "Who pays the studio's daily expenses?")
        assert "host unit" in english[0]
        assert bot.button_labels(ASKER) != zh_labels  # the English gist under an English answer


async def test_follow_up_is_understood_from_the_previous_question(bot: BotHarness) -> None:
    bot.clock.at = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
    await bot.send(ASKER, "工作室每年要有几个立项的项目？")
    bot.clock.at = datetime(2026, 6, 1, 2, 2, tzinfo=UTC)
    replies = await bot.send(ASKER, "那成果呢？")
    assert "第六条第（四）项" in replies[0] and "每两年至少要有 1–2 项成果" in replies[0]
    bot.clock.at = datetime(2026, 6, 1, 2, 3, tzinfo=UTC)
    team = await bot.send(ASKER, "那团队呢？")
    # Still "how many?": the regulation sets no number for the team, and says so.
    assert team[0].startswith("🟡 第六条第（二）项规定：") and "没有规定具体数量" in team[0]
    # Long after, the same words are a question of their own, not a follow-up.
    bot.clock.at = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)
    later = await bot.send(ASKER, "那团队呢？")
    assert later[0].startswith("✅ 团队的专业技术结构")


async def test_deadline_question_says_how_many_days_are_left(bot: BotHarness) -> None:
    # 2026-12-24 09:00 in Shanghai
    bot.clock.at = datetime(2026, 12, 24, 1, 0, tzinfo=UTC)
    replies = await bot.send(ASKER, "考核情况几月几号前上报？")
    assert replies[0].startswith("✅ 县（市、区）和系统（行业）工会每年要考核")
    assert "📖 第十七条" in replies[0]
    assert "2026-12-31" in replies[0] and "还剩 7 天" in replies[0]
    # The same question the next day: the remembered reply is rendered for the new day.
    bot.clock.shift(timedelta(days=1))
    again = await bot.send(ASKER, "考核情况几月几号前上报？")
    assert "还剩 6 天" in again[0] and again[0].replace("6 天", "7 天") == replies[0]


async def test_notice_question_is_answered_from_the_header(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "这份通知的文号是多少？")
    assert "西工发〔2018〕56号" in replies[0]


async def test_article_command_takes_digits_and_chinese_numerals(bot: BotHarness) -> None:
    for arg in ("17", "十七", "第十七条"):
        replies = await bot.send(ASKER, f"/article {arg}")
        assert replies[0].startswith("第十七条") and "12月31日前" in replies[0], arg
        assert "年度考核与五年复核" in replies[0]  # the article's short title
    assert [label.split()[0] for label in bot.button_labels(ASKER)[:2]] == ["第十六条", "第十八条"]
    assert "第一条到第十九条" in (await bot.send(ASKER, "/article 20"))[0]
    assert "第一条到第十九条" in (await bot.send(ASKER, "/article <b>x"))[0]
    assert "例如 /article 6" in (await bot.send(ASKER, "/article"))[0]


async def test_regulation_lists_nineteen_articles_as_buttons(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "/regulation")
    assert "西工发〔2018〕56号" in replies[0]
    labels = bot.button_labels(ASKER)
    assert (
        len(labels) == 19 and labels[0].startswith("第一条") and labels[-1].startswith("第十九条")
    )
    opened = await bot.press(ASKER, "第九条")
    assert "一次性补助" in opened[0]


async def test_over_long_question_is_refused_politely(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "工作室" * 400)
    assert "太长" in replies[0] and "500" in replies[0]


async def test_policy_commands_work_in_groups_too(bot: BotHarness) -> None:
    replies = await bot.send_in_group(ASKER, "/ask 复核不达标怎么处理？")
    assert "📖 第十七条" in replies[0]


async def test_another_programme_is_not_covered_even_in_a_run_on(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "人社局的首席技师工作室补助怎么申请")
    assert replies[0].startswith("❔ 《办法》没有规定这个问题")
    # the questions after it are about the same title, not about this regulation
    replies = await bot.send(ASKER, "想评省级劳模 得具备哪些条件 找谁推荐")
    assert replies[0].startswith("❔") and "逐一回答" not in replies[0]
    replies = await bot.send(ANNA, "How do I apply for a May Day labour medal?")
    assert replies[0].startswith("❔ The regulation does not cover this question")


async def test_a_point_the_article_leaves_open_is_named(bot: BotHarness) -> None:
    first = (await bot.send(ASKER, "五年复核的五年从哪一年起算"))[0].splitlines()[0]
    assert first.startswith("🟡 第十七条规定：") and "没有规定从何时起算" in first
    first = (await bot.send(ASKER, "补助可不可以拿来添置仪器设备"))[0].splitlines()[0]
    assert first.startswith("🟡 第九条规定：") and "没有规定补助可以开支哪些具体项目" in first
    first = (await bot.send(ASKER, "成果认定是县里认定也算还是必须州里认定"))[0].splitlines()[0]
    assert first.startswith("🟡 第六条第（四）项规定：") and "哪一级、哪个部门" in first


async def test_three_a_not_a_questions_in_a_run_on_get_three_answers(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "成果工会帮不帮转化 先进事迹会不会宣传 成员疗休养能优先吗")
    text = replies[0]
    assert text.startswith("你这条消息里有 3 个问题")
    assert text.index("第十四条") < text.index("第十五条") < text.index("第十三条")


async def test_a_self_introduction_does_not_choose_the_article(bot: BotHarness) -> None:
    replies = await bot.send(ASKER, "我是系统工会的 我们要不要给下属的工作室弄本管理台账")
    assert replies[0].startswith("✅ 所属工会要建立劳模创新工作室管理台帐")
    replies = await bot.send(ASKER, "我们市还用不用自己订管理办法")
    assert replies[0].startswith("✅") and "第十八条" in replies[0]


async def test_a_point_the_article_never_states_is_silent_even_without_an_asking_word(
    bot: BotHarness,
) -> None:
    # "有啥子处罚没得": Art. 17 says an unqualified studio's title is revoked at re-review,
    # nothing about penalties; the learned second opinion (policy.learned) hears it.
    replies = await bot.send(ASKER, "年度考核不合格有啥子处罚没得")
    first = replies[0].splitlines()[0]
    assert first.startswith("🟡 第十七条规定：")
    assert "《办法》本身没有规定" in first
    assert not replies[0].startswith("✅")
    # and a question the article does answer is still answered outright
    replies = await bot.send(ASKER, "啥子人可以当工作室负责人")
    assert replies[0].startswith("✅") and "第三条" in replies[0]
