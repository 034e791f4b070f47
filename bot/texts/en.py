"""English (second language). Same keys and placeholders as zh.py (a test checks)."""

MESSAGES: dict[str, str] = {
    "role.prefecture_admin": "prefecture federation admin",
    "role.union_officer": "union officer",
    "role.studio_leader": "studio leader",
    "role.studio_member": "studio member",
    "role.scoped": "{role} ({scope})",
    "scope.prefecture": "whole prefecture",
    "start.hello_guest": (
        "Hello, {name}! I am the <b>Model Worker Innovation Studio assistant</b>.\n\n"
        "Ask me anything about the Xishuangbanna studio regulation, for example:\n"
        "· How many projects a year?\n· When is the assessment report due?\n\n"
        "If your union sent you an invitation link, open it to get your role. "
        "Send /help to see everything I can do."
    ),
    "start.hello_roles": "Hello, {name}! Your roles:\n{roles}\n\nSend /help to see what you can do.",
    "start.invite_ok": "✅ Role granted: <b>{role}</b>.\n\n{next}",
    "start.next.prefecture_admin": "Use /invite to invite union officers; /help lists everything.",
    "start.next.union_officer": "Use /invite to invite studio leaders; /help lists everything.",
    "start.next.studio_leader": "Use /invite to invite your team members; /help lists everything.",
    "start.next.studio_member": "Send /help to see what you can do, or just type a question.",
    "start.bad_payload": "I can't read this link. If it is an invitation, check it was copied in full; or send /help.",
    "invite.invalid": "This invitation code is not valid. Check the link is complete, or ask for a new one.",
    "invite.used": "This invitation has already been used; each works only once. Ask for a new one.",
    "invite.expired": "This invitation has expired. Ask the person who invited you for a new one.",
    "invite.revoked": "This invitation was revoked. Please contact the person who invited you.",
    "invite.already_has": "You already have this role. Send /me to see your roles.",
    "invite.not_allowed": (
        "You may not send this invitation: only for unions or studios in your own jurisdiction. "
        "Send /invite to choose again."
    ),
    "invite.no_target": "That union or studio no longer exists or is inactive. Send /invite to choose again.",
    "invite.none_allowed": (
        "You cannot invite anyone yet: invitations come from prefecture admins, union officers "
        "or studio leaders.\nAsk your union for a role. Send /me to see your roles."
    ),
    "invite.choose_role": "Whom do you want to invite?",
    "invite.choose_union": "Officer of which union?",
    "invite.choose_studio": "For which studio?",
    "invite.no_unions": "There is no union in your jurisdiction to invite for. Send /help for other options.",
    "invite.no_studios": (
        "There is no studio in your jurisdiction yet, so no leader or member can be invited. "
        "Invite union officers instead, or send /help."
    ),
    "invite.created": (
        "✅ Invitation created: <b>{target}</b>\n\n"
        "Send this link to that person only (single use, valid until {expires}):\n{link}\n\n"
        "Do not post it in a group. I'll tell you when it is used; /invites lists or revokes it."
    ),
    "invite.accepted_notice": "🎉 {name} accepted your invitation and is now {target}.",
    "invites.empty": "You have no unused invitations. Send /invite to create one.",
    "invites.list": "Unused invitations (press to revoke):\n{items}",
    "invites.item": "· {target}, expires {expires}",
    "invites.revoked_ok": "Revoked: {target}. The link no longer works.",
    "btn.revoke": "Revoke {n}",
    "me.text": "👤 <b>{name}</b>\nTelegram ID: <code>{id}</code>\nLanguage: {language}\n\nRoles:\n{roles}",
    "me.no_roles": "(No role yet. Open the invitation link from your union to get one.)",
    "language.zh": "简体中文",
    "language.en": "English",
    "language.choose": "请选择语言 / Choose a language:",
    "language.set": "OK, I'll reply in English from now on.",
    "language.unknown": "That language is not supported. Please press a button.",
    "help.header": "What the <b>studio assistant</b> can do:",
    "help.everyone": (
        "📖 Type a question, or /ask question — answered from the regulation, article cited\n"
        "/article 6 — show one article\n/regulation — all articles\n"
        "/me — my roles　/language — change language"
    ),
    "help.admin": "🏛 Prefecture admin:\n/invite — invite union officers, studio leaders or members\n/invites — list and revoke invitations\n/reminders — reminder schedule",
    "help.officer": "🧑‍💼 Union officer:\n/invite — invite studio leaders, members, officers of unions below yours\n/invites — list and revoke invitations\n/reminders — reminder schedule",
    "help.leader": "🏅 Studio leader:\n/invite — invite your team members\n/invites — list and revoke invitations\n/reminders — reminder schedule",
    "help.member": "👥 Studio member: ask about the regulation any time.",
    "help.guest": "🔑 No role yet? Ask your union for an invitation link and open it.",
    "ask.empty": "Write your question after /ask, e.g. /ask How many projects a year?",
    "ask.answer": "📖 <b>{heading}</b> ({gist})\n{quote}",
    "ask.notice": "📄 <b>About the notice itself</b>\n{quote}",
    "ask.deadline": "⏰ This year's assessment report is due at the prefecture federation on <b>{date}</b>: <b>{days}</b> days left.",
    "ask.deadline_today": "⏰ Today ({date}) is the deadline for the assessment report!",
    "ask.related": "Related articles:",
    "ask.not_covered": (
        "The regulation does not cover this question, so I won't guess.\n"
        "Send /regulation to browse all 19 articles, or ask your union or the prefecture federation."
    ),
    "ask.too_long": "That question is too long ({length} characters). Please keep it under {max}.",
    "article.usage": "Tell me the article number, e.g. /article 6 or /article 十七. There are 19 articles.",
    "article.not_found": "The regulation has articles 1 to 19 only; there is no “{text}”. Send /regulation for the list.",
    "article.show": "<b>{heading}</b> ({gist})\n{text}",
    "regulation.list": "《{title}》 ({doc}) has 19 articles; press one to read it:",
    "btn.article": "{heading} {gist}",
    "btn.regulation": "📖 Regulation",
    "btn.help": "❓ Help",
    "errors.generic": "Sorry, something went wrong and this step was not completed; your data is safe. Try again later, or send /help.",
    "errors.unknown_command": "I don't know the command {command}. Send /help to see what I can do, or just type a question.",
    "errors.non_text": "I can only read text messages for now. Type your question, or send /help.",
    "errors.private_only": "Please use this command in a private chat with me; press the button to open it.",
    "errors.stale_button": "This button has expired. Please send the command again.",
    "errors.not_allowed": "You are not allowed to do that. Send /me to see your roles.",
    "errors.unknown_user": "I don't know you yet; please send /start first.",
    "btn.open_private": "Chat privately",
    "rem.deadline": "⏰ <b>Annual assessment report</b> (Art. 17)\n{union}: report the {year} studio assessments to the prefecture federation by <b>{deadline}</b>, <b>{days}</b> days left.",
    "rem.deadline_today": "⏰ <b>Due today</b> (Art. 17)\n{union}: the {year} studio assessments must reach the prefecture federation today ({deadline}).",
    "rem.unassessed": "Studios not yet assessed ({count}):\n{names}",
    "rem.all_assessed": "Every named studio in your area has been assessed; please report soon.",
    "rem.overdue": "⚠️ <b>Assessment report overdue</b> (Art. 17)\n{union}: the {year} assessments were due by {deadline} and have not been reported. Please report as soon as possible.",
    "rem.overdue_summary": "📋 <b>{year} assessment reports</b>\nAs of {deadline}, {count} unions have not reported:\n{names}",
    "rem.no_project": "📌 <b>{studio}</b>: no approved innovation project recorded for {year}. Art. 6(3) asks for at least one every year.",
    "rem.achievement_window": "📌 <b>{studio}</b>: the current two-year window ends on {end} ({days} days left) with no recognised achievement in it. Art. 6(4) asks for one or two every two years.",
    "rem.rereview": "🔁 <b>{studio}</b> (named {named_on}) reaches five years on {anniversary} and is due for re-review (Art. 17): {days} days left.",
    "rem.footer": "Send /reminders to see your schedule or mute optional reminders.",
    "reminders.kind.deadline": "assessment deadline reminder",
    "reminders.kind.overdue": "overdue notice",
    "reminders.kind.overdue_summary": "unreported unions summary",
    "reminders.kind.no_project": "yearly project reminder",
    "reminders.kind.achievement_window": "achievement window reminder",
    "reminders.kind.rereview": "five-yearly re-review reminder",
    "reminders.list": "🔔 <b>Your reminders</b> (Beijing time):\n{items}",
    "reminders.item": "· {when}  {kind}{subject}",
    "reminders.more": "… and {count} more",
    "reminders.none": "No reminders are scheduled for you. They go to union officers (assessment report), studio leaders (projects, achievements) and prefecture admins (re-reviews).",
    "reminders.muted": "Muted: {kinds}",
    "reminders.mandatory": "The assessment deadline reminders and overdue notices cannot be muted.",
    "reminders.cannot_mute": "The assessment deadline reminder is required and cannot be muted. Send /reminders for the others.",
    "reminders.muted_ok": "Muted “{kind}”. Send /reminders to turn it back on.",
    "reminders.unmuted_ok": "Turned on “{kind}”.",
    "btn.mute": "🔕 Mute {kind}",
    "btn.unmute": "🔔 Unmute {kind}",
}
