"""简体中文（默认）。Placeholders are named; values are escaped by bot.i18n.t."""

MESSAGES: dict[str, str] = {
    # roles
    "role.prefecture_admin": "州总工会管理员",
    "role.union_officer": "工会干部",
    "role.studio_leader": "工作室负责人",
    "role.studio_member": "工作室成员",
    "role.scoped": "{role}（{scope}）",
    "scope.prefecture": "全州",
    # /start
    "start.hello_guest": (
        "你好，{name}！我是<b>劳模创新工作室助手</b>。\n\n"
        "可以直接打字问我《西双版纳州劳模创新工作室管理办法》的问题，比如：\n"
        "· 一年要有几个项目？\n· 考核最晚哪天报？\n\n"
        "如果工会发给你邀请链接，点开它就能开通身份。发送 /help 查看全部功能。"
    ),
    "start.hello_roles": "你好，{name}！你现在的身份：\n{roles}\n\n发送 /help 看看你能做什么。",
    "start.invite_ok": "✅ 已开通身份：<b>{role}</b>。\n\n{next}",
    "start.next.prefecture_admin": "你可以用 /invite 邀请各工会干部，用 /help 查看全部功能。",
    "start.next.union_officer": "你可以用 /invite 邀请工作室负责人，用 /help 查看全部功能。",
    "start.next.studio_leader": "你可以用 /invite 邀请团队成员，用 /help 查看全部功能。",
    "start.next.studio_member": "发送 /help 查看你能做什么，有问题可以直接打字问我。",
    "start.bad_payload": "这个链接的内容我看不懂。如果是邀请链接，请确认复制完整；也可以发送 /help。",
    # invitations
    "invite.invalid": "这个邀请码无效。请确认链接完整，或请邀请你的人重新发一个。",
    "invite.used": "这个邀请已经用过了，每个邀请只能用一次。请联系邀请你的人重新发一个。",
    "invite.expired": "这个邀请已过期。请联系邀请你的人重新发一个。",
    "invite.revoked": "这个邀请已被撤销。请联系邀请你的人。",
    "invite.already_has": "你已经有这个身份了，不用再接受邀请。发送 /me 查看你的身份。",
    "invite.not_allowed": (
        "你没有权限发出这个邀请：只能为自己管辖范围内的工会或工作室发邀请。发送 /invite 重新选择。"
    ),
    "invite.no_target": "找不到这个工会或工作室（可能已停用或已撤销）。发送 /invite 重新选择。",
    "invite.none_allowed": (
        "你目前没有邀请他人的权限。邀请只能由州总工会管理员、工会干部或工作室负责人发出。\n"
        "如需开通身份，请联系所在工会。发送 /me 查看你的身份。"
    ),
    "invite.choose_role": "要邀请什么身份的人？",
    "invite.choose_union": "邀请哪个工会的干部？",
    "invite.choose_studio": "邀请到哪个工作室？",
    "invite.no_unions": "你管辖范围内没有可邀请的工会。发送 /help 查看其他功能。",
    "invite.no_studios": "你管辖范围内还没有工作室，暂时不能邀请负责人或成员。可以先邀请工会干部，或发送 /help。",
    "invite.created": (
        "✅ 邀请已生成：<b>{target}</b>\n\n"
        "请把下面的链接单独发给对方（只能用一次，{expires} 前有效）：\n{link}\n\n"
        "请勿转发到群里。对方开通后我会通知你；发送 /invites 可查看或撤销。"
    ),
    "invite.accepted_notice": "🎉 {name} 已接受你的邀请，成为{target}。",
    "invites.empty": "你没有尚未使用的邀请。发送 /invite 生成新的邀请。",
    "invites.list": "尚未使用的邀请（点按钮撤销）：\n{items}",
    "invites.item": "· {target}，{expires} 到期",
    "invites.revoked_ok": "已撤销：{target}。这个链接不能再用了。",
    "btn.revoke": "撤销 {n}",
    # /me
    "me.text": "👤 <b>{name}</b>\nTelegram ID：<code>{id}</code>\n语言：{language}\n\n身份：\n{roles}",
    "me.no_roles": "（还没有身份。收到工会的邀请链接后，点开即可开通。）",
    "language.zh": "简体中文",
    "language.en": "English",
    "language.choose": "请选择语言 / Choose a language:",
    "language.set": "好的，以后我用中文回复你。",
    "language.unknown": "不支持这种语言。请点按钮选择。",
    # /help
    "help.header": "<b>劳模创新工作室助手</b> 能做的事：",
    "help.everyone": (
        "📖 直接打字提问，或 /ask 问题 — 按《办法》回答并注明条款\n"
        "/article 6 — 查看某一条\n/regulation — 《办法》全部条款\n"
        "/me — 我的身份　/language — 切换语言"
    ),
    "help.admin": "🏛 州总工会管理员：\n/invite — 邀请工会干部、工作室负责人或成员\n/invites — 查看和撤销邀请\n/reminders — 提醒安排",
    "help.officer": "🧑‍💼 工会干部：\n/invite — 邀请工作室负责人或成员、下级工会干部\n/invites — 查看和撤销邀请\n/reminders — 提醒安排",
    "help.leader": "🏅 工作室负责人：\n/invite — 邀请团队成员\n/invites — 查看和撤销邀请\n/reminders — 提醒安排",
    "help.member": "👥 工作室成员：可以随时提问《办法》的规定。",
    "help.guest": "🔑 还没有身份？请向所在工会索取邀请链接，点开即可开通。",
    # policy Q&A
    "ask.empty": "请在 /ask 后面写上你的问题，例如：/ask 一年要有几个项目？",
    "ask.answer": "📖 <b>{heading}</b>（{gist}）\n{quote}",
    "ask.notice": "📄 <b>关于通知本身</b>\n{quote}",
    "ask.deadline": "⏰ 今年考核情况报州总工会的截止日是 <b>{date}</b>，还剩 <b>{days}</b> 天。",
    "ask.deadline_today": "⏰ 今天（{date}）就是考核情况报州总工会的截止日！",
    "ask.related": "相关条款，点开查看：",
    "ask.not_covered": (
        "《办法》没有规定这个问题，我不能替它作答。\n"
        "可以发送 /regulation 浏览全部 19 条，或向所在工会、州总工会咨询。"
    ),
    "ask.too_long": "问题太长了（{length} 字）。请简短一些，{max} 字以内。",
    "article.usage": "请告诉我条款号，例如 /article 6 或 /article 十七。《办法》共 19 条。",
    "article.not_found": "《办法》只有第一条到第十九条，没有“{text}”。发送 /regulation 查看目录。",
    "article.show": "<b>{heading}</b>（{gist}）\n{text}",
    "regulation.list": "《{title}》（{doc}）共 19 条，点按钮查看全文：",
    "btn.article": "{heading} {gist}",
    "btn.regulation": "📖 《办法》目录",
    "btn.help": "❓ 帮助",
    # errors and stray input
    "errors.generic": "抱歉，刚才出了点问题，这一步没有完成，已有数据不受影响。请稍后再试，或发送 /help。",
    "errors.unknown_command": "我不认识 {command} 这个命令。发送 /help 看看能做什么，或者直接打字提问。",
    "errors.non_text": "我现在只能看懂文字消息。有问题请直接打字问我，或发送 /help。",
    "errors.private_only": "这个命令请在和我的私聊中使用，点下面的按钮打开私聊。",
    "errors.stale_button": "这个按钮已失效，请重新发送命令。",
    "errors.not_allowed": "你没有权限做这件事。发送 /me 查看你的身份。",
    "errors.unknown_user": "我还不认识你，请先发送 /start。",
    "btn.open_private": "私聊助手",
    # reminders
    "rem.deadline": "⏰ <b>年度考核报送提醒</b>（第十七条）\n{union}：请在 <b>{deadline}</b> 前把 {year} 年劳模创新工作室考核情况报州总工会备案，还剩 <b>{days}</b> 天。",
    "rem.deadline_today": "⏰ <b>今天截止</b>（第十七条）\n{union}：{year} 年劳模创新工作室考核情况须在今天（{deadline}）报州总工会备案。",
    "rem.unassessed": "还没有考核的工作室（{count} 个）：\n{names}",
    "rem.all_assessed": "辖区内已命名的工作室都考核过了，请尽快报送。",
    "rem.overdue": "⚠️ <b>考核报送已逾期</b>（第十七条）\n{union}：{year} 年考核情况应在 {deadline} 前报州总工会，目前还没有报送，请尽快报送。",
    "rem.overdue_summary": "📋 <b>{year} 年考核报送情况</b>\n截至 {deadline}，还有 {count} 个工会没有报送：\n{names}",
    "rem.no_project": "📌 <b>{studio}</b>：{year} 年还没有登记立项的创新课题或攻关项目。第六条（三）要求每年至少有 1 个。",
    "rem.achievement_window": "📌 <b>{studio}</b>：本轮两年周期到 {end} 结束（还剩 {days} 天），期间还没有得到认可的创新成果。第六条（四）要求每两年至少有 1-2 项。",
    "rem.rereview": "🔁 <b>{studio}</b>（{named_on} 命名）将在 {anniversary} 满五年，需要复核（第十七条），还剩 {days} 天。",
    "rem.footer": "发送 /reminders 查看提醒安排，或关闭可选的提醒。",
    "reminders.kind.deadline": "年度考核报送提醒",
    "reminders.kind.overdue": "逾期未报通知",
    "reminders.kind.overdue_summary": "未报送工会汇总",
    "reminders.kind.no_project": "年度项目提醒",
    "reminders.kind.achievement_window": "成果周期提醒",
    "reminders.kind.rereview": "五年复核提醒",
    "reminders.list": "🔔 <b>你的提醒安排</b>（北京时间）：\n{items}",
    "reminders.item": "· {when}　{kind}{subject}",
    "reminders.more": "……还有 {count} 条",
    "reminders.none": "目前没有安排给你的提醒。提醒发给工会干部（考核报送）、工作室负责人（项目和成果）和州总工会管理员（复核）。",
    "reminders.muted": "已关闭：{kinds}",
    "reminders.mandatory": "考核报送提醒和逾期通知不能关闭。",
    "reminders.cannot_mute": "考核报送提醒是必须的，不能关闭。发送 /reminders 查看其他提醒。",
    "reminders.muted_ok": "已关闭「{kind}」。发送 /reminders 可以重新打开。",
    "reminders.unmuted_ok": "已打开「{kind}」。",
    "btn.mute": "🔕 关闭{kind}",
    "btn.unmute": "🔔 打开{kind}",
}
