"""What the monitoring pages and documents show by name (msgids, translated where shown): states, history steps,
roles, the units and sources of the framework, the evaluation's units, the joint office."""

from __future__ import annotations

from yrdhub.i18n import N_, NP_, Msg

SUBMISSION_STATUS: dict[str, Msg] = {
    "draft": N_("Draft"), "submitted": NP_("submission status", "Submitted"),
    "approved": N_("Approved by jurisdiction"), "accepted": NP_("submission status", "Accepted"),
    "returned": N_("Returned"), "none": N_("No data entered"),
}
TASK_STATUS: dict[str, Msg] = {
    "unreported": N_("Not reported"), "not_started": N_("Not started"), "in_progress": N_("In progress"),
    "completed": N_("Completed"), "delayed": N_("Behind schedule"),
}
EVALUATION_STATUS: dict[str, Msg] = {
    "computed": N_("Computed, not published"), "published": NP_("evaluation status", "Published"),
    "superseded": N_("Superseded"),
}
# What a submission's history says happened (steps the system records; a person's typed text is kept apart).
HISTORY_STEP: dict[str, Msg] = {
    "open": N_("Opened"), "correct": N_("Correction opened"), "load": N_("Loaded"),
    "submit": NP_("history step", "Submitted"), "approve": NP_("history step", "Approved"),
    "accept": NP_("history step", "Accepted"), "return": N_("Returned for correction"),
    "send_back": N_("Returned for correction"), "edit": N_("Values saved"), "upload": N_("Template uploaded"),
}
# Notes the system writes into a history (stored as these keys, shown translated).
HISTORY_NOTE: dict[str, Msg] = {
    "bundled": N_("Official statistics (bundled data)"),
}
ROLE: dict[str, Msg] = {
    "statistician": N_("Statistician"), "jurisdiction_admin": N_("Jurisdiction administrator"),
    "office_admin": N_("Joint office"), "system": N_("The platform"),
}
PROVINCE: dict[str, Msg] = {
    "310000": N_("Shanghai"), "320000": N_("Jiangsu"), "330000": N_("Zhejiang"), "340000": N_("Anhui"),
}
# The evaluation's units: the four jurisdictions and the YRD as a whole.
UNIT_NAME: dict[str, Msg] = {**PROVINCE, "YRD": N_("YRD")}
OFFICE = N_("Office of the YRD S&T Innovation Community")
# Bodies named as responsible in the plan's tasks, besides the four jurisdictions.
RESPONSIBLE: dict[str, Msg] = {
    "三省一市": N_("Shanghai, Jiangsu, Zhejiang and Anhui"), "科技部": N_("Ministry of Science and Technology"),
    "联合办公室": N_("Joint office"),
}
PERIODICITY: dict[str, Msg] = {"annual": N_("annual"), "quarterly": N_("quarterly"), "monthly": N_("monthly")}
LEVEL: dict[str, Msg] = {"province": N_("province level"), "city": N_("city level")}
# Units of the framework's data elements, indicators and targets (as the framework writes them, in Chinese).
UNIT: dict[str, Msg] = {
    "亿元": N_("100 million yuan"), "万元": N_("10,000 yuan"), "元/人": N_("yuan per person"),
    "万人": N_("10,000 persons"), "人年": N_("person-years"), "人年/万人": N_("person-years per 10,000 residents"),
    "件": N_("items"), "件/万人": N_("items per 10,000 residents"), "篇": N_("papers"),
    "篇/万人": N_("papers per 10,000 residents"), "%": N_("%"),
}
# The publications the framework's values come from (their English titles).
SOURCE: dict[str, Msg] = {
    "《全国科技经费投入统计公报》": N_("Statistical Communiqué on National Expenditure on Science and Technology"),
    "《中国科技统计年鉴》": N_("China Statistical Yearbook on Science and Technology"),
    "《中国科技统计年鉴》国外主要检索工具收录论文":
        N_("China Statistical Yearbook on Science and Technology: papers indexed by the main foreign databases"),
    "《中国科技统计年鉴》技术市场成交额（流向地域）":
        N_("China Statistical Yearbook on Science and Technology: technology-market turnover by buyer region"),
    "《中国科技统计年鉴》技术市场成交额（输出地域）":
        N_("China Statistical Yearbook on Science and Technology: technology-market turnover by seller region"),
    "《中国统计年鉴》地方一般公共预算支出": N_("China Statistical Yearbook: local general public budget expenditure"),
    "《中国统计年鉴》地方财政科学技术支出": N_("China Statistical Yearbook: local fiscal S&T expenditure"),
    "《中国高技术产业统计年鉴》": N_("China Statistics Yearbook on High Technology Industry"),
    "国家统计局 地区生产总值": N_("National Bureau of Statistics: gross regional product"),
    "国家统计局 年末常住人口": N_("National Bureau of Statistics: year-end resident population"),
    "《长三角科技创新共同体建设发展规划》(科技部 2020-12) 发展目标":
        N_("Development targets of the YRD S&T Innovation Community Development Plan (MOST, December 2020)"),
}
# Why a plan target has no measure in the bundled data (keys of plan_targets.csv's no_data_reason column).
NO_DATA: dict[str, Msg] = {
    "papers": N_("Not in official statistics; counted by the analytics module from paper records."),
    "pct": N_("PCT filings are not in the bundled official statistics."),
    "patents": N_("Counted by the analytics module from patent records."),
    "transfers": N_("Counted by the analytics module from patent transfer records."),
}


def label(table: dict[str, Msg], value: str) -> Msg | str:
    """A value's label (a msgid, translated where shown), or the value itself when the table does not know it."""
    return table.get(value, value)
