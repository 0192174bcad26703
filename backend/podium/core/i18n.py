"""Server-side messages in Simplified Chinese and English, chosen by the caller's locale."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Locale(StrEnum):
    EN = "en"
    ZH_CN = "zh-CN"


DEFAULT_LOCALE = Locale.ZH_CN

MESSAGES: dict[str, dict[Locale, str]] = {
    "REQUIRED": {Locale.EN: "This field is required.", Locale.ZH_CN: "此项为必填项。"},
    "INVALID": {Locale.EN: "This value is not valid.", Locale.ZH_CN: "该值无效。"},
    "OUT_OF_RANGE": {
        Locale.EN: "Must be between {min} and {max}.",
        Locale.ZH_CN: "必须介于 {min} 和 {max} 之间。",
    },
    "TOO_LONG": {
        Locale.EN: "At most {max} characters.",
        Locale.ZH_CN: "最多 {max} 个字符。",
    },
    "IN_FUTURE": {
        Locale.EN: "This time is in the future.",
        Locale.ZH_CN: "该时间在未来。",
    },
    "TOO_OLD": {
        Locale.EN: "This time is more than {days} days ago.",
        Locale.ZH_CN: "该时间早于 {days} 天前。",
    },
    "NOT_FOUND": {Locale.EN: "Not found.", Locale.ZH_CN: "未找到。"},
    "FORBIDDEN": {
        Locale.EN: "You are not allowed to do this.",
        Locale.ZH_CN: "您没有权限执行此操作。",
    },
    "INVALID_CREDENTIALS": {
        Locale.EN: "Wrong email or password.",
        Locale.ZH_CN: "邮箱或密码错误。",
    },
    "MISSING_SCOPE": {
        Locale.EN: "This API token lacks the scope {scope}.",
        Locale.ZH_CN: "该 API 令牌缺少权限范围 {scope}。",
    },
    "RATE_LIMITED": {
        Locale.EN: "Too many attempts. Try again in a few minutes.",
        Locale.ZH_CN: "尝试次数过多，请几分钟后再试。",
    },
    "UNAUTHENTICATED": {Locale.EN: "Please sign in.", Locale.ZH_CN: "请先登录。"},
    "TOO_PRECISE": {
        Locale.EN: "At most {places} decimal places.",
        Locale.ZH_CN: "最多 {places} 位小数。",
    },
    "CONFLICT": {
        Locale.EN: "{changed} was changed by someone else meanwhile. Reload and try again.",
        Locale.ZH_CN: "{changed}已被他人修改，请刷新后重试。",
    },
    "CLOSED": {
        Locale.EN: "This deal is closed and can no longer change.",
        Locale.ZH_CN: "该商机已关闭，无法再修改。",
    },
    "MISMATCH": {
        Locale.EN: "Must equal {expected}.",
        Locale.ZH_CN: "必须等于 {expected}。",
    },
    "LOCKED": {
        Locale.EN: "This statement is approved and locked; corrections appear in the next open period.",
        Locale.ZH_CN: "该结算单已审批锁定，更正将计入下一个未结期间。",
    },
    "DISPUTED": {
        Locale.EN: "{count} dispute(s) on this statement are still open: resolve them first.",
        Locale.ZH_CN: "该结算单仍有 {count} 条未解决的异议，请先处理。",
    },
    "NOT_ENDED": {
        Locale.EN: "The period has not ended yet ({period}).",
        Locale.ZH_CN: "该期间（{period}）尚未结束。",
    },
    "STALE": {
        Locale.EN: "The figures changed since you looked: payable is now {payable}. Review it again.",
        Locale.ZH_CN: "数据在您查看后已变化：应付金额现为 {payable}，请重新核对。",
    },
    "TOO_EARLY": {
        Locale.EN: "Must not be before {earliest}.",
        Locale.ZH_CN: "不能早于 {earliest}。",
    },
    "OVERLAP": {
        Locale.EN: "{name} is already on a plan for some of these months.",
        Locale.ZH_CN: "{name} 在这些月份中已有薪酬方案。",
    },
    "CHECKED_OUT": {
        Locale.EN: "This visit was already checked out at {at}.",
        Locale.ZH_CN: "该拜访已于 {at} 签退。",
    },
    "DECIDED": {
        Locale.EN: "This was already decided: {decision}.",
        Locale.ZH_CN: "已处理过：{decision}。",
    },
    "NOT_FLAGGED": {
        Locale.EN: "Only flagged visits are reviewed; this one is verified.",
        Locale.ZH_CN: "只有被标记的拜访需要审核，该拜访已核实。",
    },
    "TOO_MANY": {
        Locale.EN: "At most {max} per visit.",
        Locale.ZH_CN: "每次拜访最多 {max} 张。",
    },
    "TOO_LARGE": {
        Locale.EN: "The picture is too large: at most {max} {unit}.",
        Locale.ZH_CN: "图片过大：最多 {max} {unit}。",
    },
    "unit.megabytes": {Locale.EN: "MB", Locale.ZH_CN: "MB"},
    "unit.megapixels": {Locale.EN: "megapixels", Locale.ZH_CN: "百万像素"},
    "INSUFFICIENT": {
        Locale.EN: "Not enough points: this needs {needed}, you have {available} available.",
        Locale.ZH_CN: "积分不足：需要 {needed} 分，您可用 {available} 分。",
    },
    "OUT_OF_STOCK": {
        Locale.EN: "Not enough left: {left} in stock.",
        Locale.ZH_CN: "库存不足：仅剩 {left} 件。",
    },
    "RETIRED": {
        Locale.EN: "{name} is no longer offered.",
        Locale.ZH_CN: "{name} 已下架。",
    },
    "DUPLICATE": {
        Locale.EN: "This already exists: choose it instead, or tell them apart.",
        Locale.ZH_CN: "已存在同名记录：请直接选择它，或改个名称加以区分。",
    },
    "INVALID_TEXT": {
        Locale.EN: "Contains characters that cannot be saved (control characters or broken encoding).",
        Locale.ZH_CN: "包含无法保存的字符（控制字符或损坏的编码）。",
    },
    "EXPIRED": {
        Locale.EN: "This link or code has expired. Ask for a new one.",
        Locale.ZH_CN: "该链接或邀请码已过期，请重新索取。",
    },
    "REVOKED": {
        Locale.EN: "This invitation was withdrawn. Ask for a new one.",
        Locale.ZH_CN: "该邀请已被撤回，请重新索取。",
    },
    "USED": {
        Locale.EN: "This link or code has already been used.",
        Locale.ZH_CN: "该链接或邀请码已被使用。",
    },
    "WEAK_PASSWORD": {
        Locale.EN: "Too easy to guess: use at least {min} characters, not only digits, and not your name or email.",
        Locale.ZH_CN: "密码太容易被猜到：至少 {min} 个字符，不能全是数字，也不能是姓名或邮箱。",
    },
    "ALREADY_SET_UP": {
        Locale.EN: "This Podium already has a company. Sign in instead.",
        Locale.ZH_CN: "此 Podium 已创建公司，请直接登录。",
    },
    "CYCLE": {
        Locale.EN: "A unit cannot go under itself or under one of its own units.",
        Locale.ZH_CN: "组织单元不能放到自身或其下级单元之下。",
    },
    "NOT_EMPTY": {
        Locale.EN: "Still in use: {people} people and {units} units below. Move them first, or merge it instead.",
        Locale.ZH_CN: "仍在使用：含 {people} 人、下级单元 {units} 个。请先移走，或改为合并。",
    },
    "FILE_TYPE": {
        Locale.EN: "Not a CSV or XLSX file. Save it from Excel as .xlsx or .csv and upload it again.",
        Locale.ZH_CN: "不是 CSV 或 XLSX 文件。请在 Excel 中另存为 .xlsx 或 .csv 后重新上传。",
    },
    "FILE_EMPTY": {Locale.EN: "The file is empty.", Locale.ZH_CN: "文件是空的。"},
    "FILE_NO_ROWS": {
        Locale.EN: "The file has headers but no rows to import.",
        Locale.ZH_CN: "文件只有表头，没有可导入的数据行。",
    },
    "FILE_TOO_LARGE": {
        Locale.EN: "The file is too large: at most {max} MB.",
        Locale.ZH_CN: "文件过大：最多 {max} MB。",
    },
    "FILE_TOO_MANY_ROWS": {
        Locale.EN: "Too many rows: at most {max}.",
        Locale.ZH_CN: "行数过多：最多 {max} 行。",
    },
    "PLAN_STALE": {
        Locale.EN: "The file, the mapping or the data changed since the dry run: run the dry run again.",
        Locale.ZH_CN: "自试运行以来，文件、列映射或数据已变化：请重新试运行。",
    },
    "UNDO_BLOCKED": {
        Locale.EN: "Cannot undo: line {line} has newer changes that depend on it ({reason}).",
        Locale.ZH_CN: "无法撤销：第 {line} 行之后已有依赖它的更改（{reason}）。",
    },
    "IMPORT_STATE": {
        Locale.EN: "This import cannot do that now (it is {state}).",
        Locale.ZH_CN: "此导入当前无法执行该操作（状态：{state}）。",
    },
    "INTERNAL": {
        Locale.EN: "Something went wrong on our side. If it persists, quote reference {requestId}.",
        Locale.ZH_CN: "服务器出错了。如果问题持续，请提供编号 {requestId}。",
    },
    "UNKNOWN_STAGE": {
        Locale.EN: "This org has no stage called “{value}”.",
        Locale.ZH_CN: "本公司没有名为“{value}”的阶段。",
    },
    "UNKNOWN_PERSON": {
        Locale.EN: "Nobody in this org has the email or name “{value}”.",
        Locale.ZH_CN: "本公司没有邮箱或姓名为“{value}”的人员。",
    },
    "AMBIGUOUS_PERSON": {
        Locale.EN: "{count} people are called “{value}”: give the email instead.",
        Locale.ZH_CN: "有 {count} 人名为“{value}”，请改填邮箱。",
    },
    "UNKNOWN_PRODUCT": {
        Locale.EN: "No product has the SKU “{value}”.",
        Locale.ZH_CN: "没有 SKU 为“{value}”的产品。",
    },
    "UNKNOWN_CUSTOMER": {
        Locale.EN: "No customer “{value}” was found: import it with the customers first.",
        Locale.ZH_CN: "未找到客户“{value}”，请先导入客户。",
    },
    "decision.approved": {Locale.EN: "approved", Locale.ZH_CN: "已通过"},
    "decision.rejected": {Locale.EN: "rejected", Locale.ZH_CN: "已驳回"},
    "celebration.OVERTAKE": {
        Locale.EN: "{name} overtook {other} on the {board} board!",
        Locale.ZH_CN: "{name} 在{board}榜上超越了 {other}！",
    },
    "celebration.MILESTONE": {
        Locale.EN: "{name} reached {threshold} points this month!",
        Locale.ZH_CN: "{name} 本月积分达到 {threshold} 分！",
    },
    "badge.first_deal": {Locale.EN: "First deal", Locale.ZH_CN: "首单告捷"},
    "badge.visits_day": {Locale.EN: "Five visits in a day", Locale.ZH_CN: "单日五访"},
    "badge.streak": {Locale.EN: "Five-day streak", Locale.ZH_CN: "连续五天"},
    "badge.target_month": {Locale.EN: "Monthly target reached", Locale.ZH_CN: "月度目标达成"},
    "badge.top3_month": {Locale.EN: "Champions' corridor: top 3 of the month", Locale.ZH_CN: "冠军长廊：月度前三"},
    "celebration.CONTEST": {
        Locale.EN: "{name} won: {subject}!",
        Locale.ZH_CN: "{name} 赢得：{subject}！",
    },
    "push.CONTEST.title": {Locale.EN: "You won a contest", Locale.ZH_CN: "你赢得了竞赛"},
    "push.CONTEST.body": {Locale.EN: "{subject}: well done!", Locale.ZH_CN: "{subject}：干得漂亮！"},
    "celebration.BADGE": {
        Locale.EN: "{name} earned the badge “{subject}”!",
        Locale.ZH_CN: "{name} 获得了徽章「{subject}」！",
    },
    "celebration.DEAL_WON": {
        Locale.EN: "{name} won a deal with {subject}: {amount}!",
        Locale.ZH_CN: "{name} 赢下了 {subject} 的订单：{amount}！",
    },
    "board.MONTH": {Locale.EN: "monthly", Locale.ZH_CN: "月度"},
    "push.BADGE.title": {Locale.EN: "New badge", Locale.ZH_CN: "获得新徽章"},
    "push.BADGE.body": {
        Locale.EN: "You earned the badge “{subject}”. See it on your profile.",
        Locale.ZH_CN: "你获得了徽章「{subject}」，去个人主页看看吧。",
    },
    "push.MILESTONE.title": {Locale.EN: "Milestone reached", Locale.ZH_CN: "达成里程碑"},
    "push.MILESTONE.body": {
        Locale.EN: "You reached {threshold} points this month. Keep going!",
        Locale.ZH_CN: "你本月积分已达 {threshold} 分，继续加油！",
    },
    "push.OVERTAKE.title": {Locale.EN: "You moved up", Locale.ZH_CN: "排名上升"},
    "push.OVERTAKE.body": {
        Locale.EN: "You overtook {other} on the monthly board.",
        Locale.ZH_CN: "你在月度榜上超越了 {other}。",
    },
    "push.DEAL_WON.title": {Locale.EN: "Deal won", Locale.ZH_CN: "赢单"},
    "push.DEAL_WON.body": {
        Locale.EN: "{subject}: {amount}. Well done!",
        Locale.ZH_CN: "{subject}：{amount}，干得漂亮！",
    },
    "push.VISIT_REVIEW.approved.title": {Locale.EN: "Visit approved", Locale.ZH_CN: "拜访已通过"},
    "push.VISIT_REVIEW.approved.body": {
        Locale.EN: "{reviewer} approved your visit to {customer}; its points are yours.",
        Locale.ZH_CN: "{reviewer} 通过了你对 {customer} 的拜访，积分已到账。",
    },
    "push.VISIT_REVIEW.rejected.title": {Locale.EN: "Visit rejected", Locale.ZH_CN: "拜访未通过"},
    "push.VISIT_REVIEW.rejected.body": {
        Locale.EN: "{reviewer} rejected your visit to {customer}. {note}",
        Locale.ZH_CN: "{reviewer} 驳回了你对 {customer} 的拜访。{note}",
    },
    "push.REWARD.approved.title": {Locale.EN: "Reward approved", Locale.ZH_CN: "兑换已批准"},
    "push.REWARD.approved.body": {
        Locale.EN: "{decider} approved {quantity} × {reward} ({points} points).",
        Locale.ZH_CN: "{decider} 批准了你兑换的 {reward} × {quantity}（{points} 积分）。",
    },
    "push.REWARD.rejected.title": {Locale.EN: "Reward declined", Locale.ZH_CN: "兑换被驳回"},
    "push.REWARD.rejected.body": {
        Locale.EN: "{decider} declined {quantity} × {reward}; your {points} points are available again. {note}",
        Locale.ZH_CN: "{decider} 驳回了你兑换的 {reward} × {quantity}，{points} 积分已退回。{note}",
    },
    "robot.title.MILESTONE": {Locale.EN: "🏆 Milestone", Locale.ZH_CN: "🏆 里程碑"},
    "robot.title.OVERTAKE": {Locale.EN: "🚀 Moving up", Locale.ZH_CN: "🚀 排名上升"},
    "robot.title.DEAL_WON": {Locale.EN: "💰 Deal won", Locale.ZH_CN: "💰 赢单喜报"},
    "robot.title.BADGE": {Locale.EN: "🎖 New badge", Locale.ZH_CN: "🎖 新徽章"},
    "robot.title.CONTEST": {Locale.EN: "🏁 Contest", Locale.ZH_CN: "🏁 竞赛"},
    "robot.test.title": {Locale.EN: "Podium test message", Locale.ZH_CN: "Podium 测试消息"},
    "robot.test.body": {
        Locale.EN: "This group will see the team's celebrations here.",
        Locale.ZH_CN: "本群将在这里收到团队的喜报。",
    },
    "card.MILESTONE": {Locale.EN: "{threshold} points this month", Locale.ZH_CN: "本月积分 {threshold} 分"},
    "card.OVERTAKE": {Locale.EN: "Overtook {other}", Locale.ZH_CN: "超越了 {other}"},
    "card.DEAL_WON": {Locale.EN: "Won {subject}", Locale.ZH_CN: "赢下 {subject}"},
    "card.MILESTONE.kicker": {Locale.EN: "Milestone", Locale.ZH_CN: "里程碑"},
    "card.OVERTAKE.kicker": {Locale.EN: "Moving up", Locale.ZH_CN: "排名上升"},
    "card.DEAL_WON.kicker": {Locale.EN: "Deal won", Locale.ZH_CN: "赢单"},
    "field.stageId": {Locale.EN: "The stage", Locale.ZH_CN: "阶段"},
    "field.amount": {Locale.EN: "The amount", Locale.ZH_CN: "金额"},
    "field.title": {Locale.EN: "The title", Locale.ZH_CN: "标题"},
    "field.lines": {Locale.EN: "The products", Locale.ZH_CN: "产品明细"},
    "field.expectedClose": {Locale.EN: "The expected close date", Locale.ZH_CN: "预计成交日期"},
    "field.leadSource": {Locale.EN: "The lead source", Locale.ZH_CN: "线索来源"},
    "field.probability": {Locale.EN: "The win probability", Locale.ZH_CN: "赢单概率"},
    "field.ownerId": {Locale.EN: "The owner", Locale.ZH_CN: "负责人"},
    "field.customerId": {Locale.EN: "The customer", Locale.ZH_CN: "客户"},
    "field.amount.target": {Locale.EN: "The target", Locale.ZH_CN: "目标"},
}


def parse_locale(raw: str | None) -> Locale:
    """Map an Accept-Language value or stored locale to one we speak."""
    if not raw:
        return DEFAULT_LOCALE
    first = raw.split(",")[0].strip().lower()
    if first.startswith("zh"):
        return Locale.ZH_CN
    if first.startswith("en"):
        return Locale.EN
    return DEFAULT_LOCALE


class Label(str):
    """A message parameter that is itself a message key (a field's name), translated with the message."""


def translate(key: str, locale: Locale, **params: Any) -> str:
    template = MESSAGES.get(key, {}).get(locale) or MESSAGES.get(key, {}).get(Locale.EN) or key
    params = {k: translate(v, locale) if isinstance(v, Label) else v for k, v in params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
