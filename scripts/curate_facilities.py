"""Curate the plan's facilities, labs and centres into src/yrdhub/data/resources/facilities.csv.

One row for every science centre, major research facility, laboratory and centre that the news release of
《长三角科技创新共同体建设发展规划》 (科技部, 2020-12; ../shared/seed/000_e50f03f92f6a2696.txt) names, with
the clause of the release that names it. The facts beyond the name (host and co-builders, city, status) are
held below as data, each with the public pages that state it: `url | title | what it supports`, entries
joined by ` ;; `. A fact no page states stays empty. The release is a source only for a row's name and
wording, except for the planned fields of 谋划筹建: their status `planned` is the plan's own word.

Conventions
  name       the plan's name; a planned field is named `<field>重大科技基础设施` after the release's
             "谋划筹建<fields>等前沿领域的重大科技基础设施", a science centre `<place>综合性国家科学中心`
  hosts      the legal entity (法人单位) or, where a page names no 法人, the unit that leads (牵头) the build
  co_builders 共建单位 (organisations, not the government departments that co-sponsor, 共建部门)
  city_code  the city the host builds at (divisions.csv, level `city`); a facility spread over several
             cities has the host's city and says so in its comment
  status_as_of  the date of the page that states the status
Titles in square brackets describe a page whose headline the stored copy did not show.

Standard library only; reads src/yrdhub/data/regions/divisions.csv to check the city codes.
Run: .venv/bin/python scripts/curate_facilities.py [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "yrdhub" / "data" / "resources" / "facilities.csv"
DIVISIONS = ROOT / "src" / "yrdhub" / "data" / "regions" / "divisions.csv"
FIELDS = ["key", "kind", "name", "name_en", "city_code", "hosts", "co_builders", "status", "status_as_of",
          "plan_wording", "sources"]
KINDS = {"national_science_centre", "major_facility", "national_lab", "yrd_lab", "provincial_lab",
         "tech_innovation_centre", "industry_innovation_centre", "manufacturing_innovation_centre",
         "clinical_research_centre", "computing_centre", "data_centre"}
STATUSES = {"planned", "under_construction", "operating"}
KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
AS_OF = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?$")

SHANGHAI, NANJING, SUZHOU, LIANYUNGANG, HANGZHOU, HEFEI = "310100", "320100", "320500", "320700", "330100", "340100"

# The plan's clauses (copied from the release; tests/resources checks each is in the seed file).
CENTRES_CLAUSE = "《规划》明确以上海张江、安徽合肥综合性国家科学中心为依托"
FACILITIES_CLAUSE = ("加快硬X射线自由电子激光装置、未来网络试验设施、超重力离心模拟与实验装置、"
                     "高效低碳燃气轮机试验装置、聚变堆主机关键系统综合研究设施等重大科技基础设施建设")
COMPUTING_CLAUSE = "推进合肥先进计算中心建设"
PLANNED_CLAUSE = ("谋划筹建生物医学大数据、系统生物学、纳米真空互联、作物表型组学、光子科学、新一代工业控制系统、"
                  "智能计算等前沿领域的重大科技基础设施")
LABS_CLAUSE = "支持网络通信与安全紫金山实验室、材料科学姑苏实验室加快发展"
TIC_CLAUSE = "《规划》要求加快建设长三角国家技术创新中心"
DATA_CLAUSE = "积极推动长三角科学数据中心建设"

# The release itself (the seed file is a copy of this page): the source of the planned fields' status only.
RELEASE = ("http://co.cjcn.com/co/2020/1230/4422.html", "科技部印发 (2020-12-30)",
           "status: the plan lists this field among the major facilities to be planned (谋划筹建)")

Source = tuple[str, str, str]


@dataclass(frozen=True)
class Facility:
    key: str
    kind: str
    name: str
    name_en: str
    plan_wording: str
    city_code: str = ""
    hosts: tuple[str, ...] = ()
    co_builders: tuple[str, ...] = ()
    status: str = ""
    status_as_of: str = ""
    sources: tuple[Source, ...] = ()

    def row(self) -> dict[str, str]:
        return {"key": self.key, "kind": self.kind, "name": self.name, "name_en": self.name_en,
                "city_code": self.city_code, "hosts": ";".join(self.hosts),
                "co_builders": ";".join(self.co_builders), "status": self.status,
                "status_as_of": self.status_as_of, "plan_wording": self.plan_wording,
                "sources": " ;; ".join(" | ".join(s) for s in self.sources)}


def planned(key: str, field: str, name_en: str, *, city_code: str = "", hosts: tuple[str, ...] = (),
            sources: tuple[Source, ...] = ()) -> Facility:
    """A field the plan lists under 谋划筹建: status `planned` as the release states it (2020-12-30)."""
    return Facility(key, "major_facility", f"{field}重大科技基础设施", name_en, PLANNED_CLAUSE, city_code=city_code,
                    hosts=hosts, status="planned", status_as_of="2020-12-30", sources=(RELEASE, *sources))


FACILITIES: list[Facility] = [
    # -- the two comprehensive national science centres ------------------------------------------------------
    # No page states a 法人 for either centre (they are programmes run by councils, not entities): hosts empty.
    Facility(
        "zhangjiang-national-science-centre", "national_science_centre", "上海张江综合性国家科学中心",
        "Shanghai Zhangjiang Comprehensive National Science Center", CENTRES_CLAUSE,
        city_code=SHANGHAI, status="under_construction", status_as_of="2016-02-27",
        sources=(
            ("http://english.www.gov.cn/news/top_news/2016/02/17/content_281475291326622.htm",
             "[english.gov.cn, 2016-02-17] national science center approved for Zhangjiang",
             "city: in the Shanghai Zhangjiang National Innovation Demonstration Zone; approved by NDRC and MOST "
             "(confirmed 2016-02-15)"),
            ("https://usa.chinadaily.com.cn/china/2016-02/27/content_23662940.htm",
             "National science center to be a pillar for China's R&D efforts",
             "status: construction to be basically completed by 2020, its projects being developed in Zhangjiang"),
            ("https://english.pudong.gov.cn/2019-05/08/c_371909.htm", "Radiation facility remains on cutting edge",
             "English name: Shanghai Zhangjiang Comprehensive National Science Center"),
        )),
    # name_en: plain translation (no page with the centre's own English name was found).
    Facility(
        "hefei-national-science-centre", "national_science_centre", "安徽合肥综合性国家科学中心",
        "Hefei Comprehensive National Science Center", CENTRES_CLAUSE,
        city_code=HEFEI, status="under_construction", status_as_of="2017-03-01",
        sources=(
            ("http://news.ustc.edu.cn/info/1052/36977.htm", "【中国新闻网】合肥综合性国家科学中心正式启动建设",
             "city: Hefei; approved by NDRC and MOST in 2017-01; construction formally started 2017-02-27, "
             "framework to be built by 2020"),
        )),
    # -- the five major facilities the plan names ------------------------------------------------------------
    # Co-builders from a 2018 repost (the only page that names them); the Shanghai Institute of Applied Physics'
    # Zhangjiang light-source teams now sit in the Shanghai Advanced Research Institute (the 2023 SHINE paper's
    # affiliations, the 2024 ceremony's guests), so the co-builder list may be out of date.
    Facility(
        "shine-hard-xfel", "major_facility", "硬X射线自由电子激光装置",
        "Shanghai High repetition rate XFEL and Extreme light facility (SHINE)", FACILITIES_CLAUSE,
        city_code=SHANGHAI, hosts=("上海科技大学",),
        co_builders=("中国科学院上海应用物理研究所", "中国科学院上海光学精密机械研究所"),
        status="under_construction", status_as_of="2024-11-18",
        sources=(
            ("https://shangdao.shanghaitech.edu.cn/2022/0505/c9540a531094/page.htm", "上道学子参观硬线隧道",
             "host: 上海科技大学 is the legal entity (法人单位); construction started 2018-04-27, planned to be "
             "completed in 2025; a core project of the Zhangjiang national science centre"),
            ("http://juda.cn/news/15186.html", "我国首台X射线自由电子激光装置获批启动",
             "co-builders: 中科院上海应用物理研究所 and 中科院上海光机所 (共建单位); 上海科技大学 法人单位 "
             "(a 2018-06-23 repost)"),
            ("https://www.scg.com.cn/scg_jtyw/2024-11-18/Detail_237192.htm",
             "[上海建工, 2024-11-18] SHINE 直线加速器标准模组及波荡器起吊",
             "city: Zhangjiang Science City, Shanghai; status: core equipment moved from assembly to installation "
             "on 2024-11-08 (under construction)"),
            ("https://www.frontiersin.org/articles/10.3389/fphy.2023.1172368",
             "Status and future of the soft X-ray free-electron laser beamline at the SHINE",
             "English name; under construction (2023-05-25)"),
        )),
    # A national network spread over 40 cities; city_code is the legal entity's (CENI was started in Nanjing).
    # Both status pages are copies, not the agencies' own notices: the 2025-07-24 overall acceptance (a repost
    # of the Jiangsu DRC's notice) and the national acceptance of 2025-12-18 (a copy of The Register).
    Facility(
        "ceni-future-network", "major_facility", "未来网络试验设施",
        "China Environment for Network Innovation (CENI)", FACILITIES_CLAUSE,
        city_code=NANJING, hosts=("江苏省未来网络创新研究院",),
        co_builders=("清华大学", "中国科学技术大学", "深圳信息通信研究院"),
        status="operating", status_as_of="2025-12-19",
        sources=(
            ("https://www.51yunjiance.com/news/detail-207.html",
             "[2025-07-24] 未来网络试验设施国家重大科技基础设施项目总体验收会 (repost)",
             "host: 江苏省未来网络创新研究院 is the legal entity (法人单位); co-builders: 清华大学, "
             "中国科学技术大学, 深圳信息通信研究院; all construction completed, open test platform in service"),
            ("https://www.fnii.cn/en/newshow/10.html",
             "Municipal Party Committee and Government held press conference on Development Views of Future "
             "Network Valley",
             "city: the national network innovation infrastructure (CENI) was started in Nanjing"),
            ("http://gopher.nikiroo.be/news/REGISTER/1766113174.php",
             "China turns on a vast experimental network it says is an heir to ARPANET",
             "status: certified by the Chinese authorities on 2025-12-18, links 40 cities (The Register, "
             "2025-12-19, copied)"),
        )),
    # Host: a 法人 statement from a small science-news site; Xinhua says the facility is led (牵头) by
    # Zhejiang University. Status: CHIEF1300 started 2025-09-29, the two larger centrifuges still being installed.
    Facility(
        "chief-hypergravity", "major_facility", "超重力离心模拟与实验装置",
        "Centrifugal Hypergravity and Interdisciplinary Experiment Facility (CHIEF)", FACILITIES_CLAUSE,
        city_code=HANGZHOU, hosts=("浙江大学",), status="under_construction", status_as_of="2025-09-29",
        sources=(
            ("http://news.geeksci.cn/?p=984", "[超重力离心模拟与实验装置初步设计获批]",
             "host: 浙江大学 builds it as the legal entity (法人单位); site: 杭州未来科技城"),
            ("https://www.cqn.com.cn/pp/content/2018-02/02/content_5404828.htm", "我国超重力离心模拟与实验装置启动建设",
             "host: led by a Zhejiang University team; approved by NDRC, construction starting (新华社杭州, "
             "2018-02-02)"),
            ("https://hk.crntt.com/doc/1071/2/5/8/107125865.html?coluid=7&kindid=0&docid=107125865"
             "&mdate=0929144231",
             "[中评社据新华社, 2025-09-29] 超重力离心模拟与实验装置启动首台离心机主机",
             "city: Hangzhou, Zhejiang; host: 浙江大学牵头建设; status: first centrifuge started 2025-09-29, "
             "CHIEF1500 and CHIEF1900 still being installed (under construction)"),
        )),
    # The facility also has a Shanghai part: NDRC gave the project to CAS, Jiangsu (Lianyungang) and Shanghai
    # (lyg01 below), and the Jiangsu yearbook counts a Jiangsu share of its investment. city_code is the
    # Lianyungang site, where the legal entity's base and the co-builder are.
    Facility(
        "gas-turbine-test-facility", "major_facility", "高效低碳燃气轮机试验装置",
        "High-efficiency Low-carbon Gas Turbine Test Facility", FACILITIES_CLAUSE,
        city_code=LIANYUNGANG, hosts=("中国科学院工程热物理研究所",), co_builders=("江苏中国科学院能源动力研究中心",),
        status="under_construction", status_as_of="2024-11-22",
        sources=(
            ("http://nmtech.com.cn/xinwen_xgyw_xx.asp?id=182308&path=57",
             "[高效低碳燃气轮机试验装置牵头单位择优评审结果 (repost)]",
             "host: 中国科学院工程热物理研究所 is the project's legal entity (项目法人单位); co-builder: "
             "江苏中国科学院能源动力研究中心 (共建单位)"),
            ("http://te-ch.tech/news/show-329307.html", "[连云港市科技局] 工程热物理所、连云港市赴中国航发燃机调研",
             "city: built in Lianyungang, led by 中科院工程热物理所"),
            ("http://www.iet.cas.cn/gxdtrqljsyzz/xwgg/xwdt/202103/t20210330_5986847.html",
             "高效低碳燃气轮机试验装置工程科学技术委员会成立大会暨燃烧室试验平台点火仪式在连顺利举行",
             "city: Lianyungang base; first combustor test platform fired 2021-03-27"),
            ("http://jscep.ac.cn/Article?id=6740ab8c-6ca6-9d18-00ee-93463b93404a", "江苏省发改委副主任蔡剑峰到中心调研",
             "status: construction progress and the acceptance plan reviewed on 2024-11-19 (under construction, "
             "not yet accepted)"),
            ("http://lyg01.net/news/lygxw/2021/0328/183871.shtml", "高效低碳燃气轮机大科学装置燃烧室试验平台点火",
             "city (caveat): NDRC gave the project to CAS, Lianyungang (Jiangsu) and Shanghai in 2018"),
        )),
    # The main facility's construction started 2019-09-20 (craft.ipp.ac.cn); the park's works broke ground
    # 2018-12-14 (CAS, Xinhua): the two dates are two stages, not a disagreement.
    Facility(
        "craft-fusion", "major_facility", "聚变堆主机关键系统综合研究设施",
        "Comprehensive Research Facility for Fusion Technology (CRAFT)", FACILITIES_CLAUSE,
        city_code=HEFEI, hosts=("中国科学院合肥物质科学研究院",),
        status="under_construction", status_as_of="2024-06-05",
        sources=(
            ("http://english.ah.gov.cn/content/detail/5c5249318513f3fd5df4e428.html",
             "Feasibility Report on Fusion Reactor Facilities Approved",
             "host: the Hefei Institutes of Physical Science (CAS) leads the project; city: Luyang district, Hefei"),
            ("https://english.cas.cn/newsroom/archive/news_archive/nu2018/201812/t20181218_202590.shtml",
             "China Starts Building Key Support Facility for Fusion Test Reactor",
             "host: led by the Institute of Plasma Physics of the Hefei Institutes of Physical Science; "
             "construction started in Hefei (2018-12)"),
            ("http://pic.people.com.cn/n1/2023/0918/c1016-40080179.html", "探访中国大科学装置“夸父”建设现场",
             "city: 安徽省合肥市; under construction since 2018-12, to be completed by the end of 2025"),
            ("http://en.people.cn/n3/2024/0605/c90000-20178153.html",
             "Research facility under construction implies mankind's scientific ambitions",
             "status: under construction in Hefei, aiming to finish in 2025 (2024-06-05)"),
            ("http://craft.ipp.ac.cn/en/xmjj/index_130.aspx", "[CRAFT project introduction]",
             "English name; main construction started 2019-09-20 for 5 years 8 months"),
        )),
    # -- the computing centre --------------------------------------------------------------------------------
    # No page on this centre was found: only the plan's name and wording.
    Facility("hefei-advanced-computing-centre", "computing_centre", "合肥先进计算中心",
             "Hefei Advanced Computing Center", COMPUTING_CLAUSE),
    # -- the planned fields ----------------------------------------------------------------------------------
    planned("planned-biomedical-big-data", "生物医学大数据", "Major research infrastructure for biomedical big data"),
    planned("planned-systems-biology", "系统生物学", "Major research infrastructure for systems biology"),
    # The concrete project in this field: the Nano-X vacuum interconnected workstation of the Suzhou Institute of
    # Nano-Tech and Nano-Bionics, built to national-facility standards with CAS, Jiangsu, Suzhou and the Suzhou
    # Industrial Park (phase 2 accepted 2023-02-18). The row's status is the plan's: the national facility is
    # still to be planned; the station itself runs.
    planned("planned-nano-vacuum-interconnection", "纳米真空互联",
            "Major research infrastructure for nano vacuum interconnection", city_code=SUZHOU,
            hosts=("中国科学院苏州纳米技术与纳米仿生研究所",),
            sources=(
                ("http://www.sinano.cas.cn/news/zhxw/202302/t20230218_6679976.html",
                 "苏州纳米所纳米真空互联实验站二期建设项目顺利通过总验收",
                 "host: the nano vacuum interconnected workstation is built by 中国科学院苏州纳米技术与纳米仿生"
                 "研究所; phase 2 accepted 2023-02-18"),
                ("http://njhante.com.cn/news/detail-54.html", "央视报道:我国建成全球首个纳米真空互联实验站",
                 "city: built in Suzhou, Jiangsu, based at the Suzhou Institute of Nano-Tech and Nano-Bionics "
                 "(新华社 repost)"),
            )),
    # The concrete project in this field: Nanjing Agricultural University's crop phenomics facility, launched
    # 2019-10-26 at its Baima base (Lishui, Nanjing). Sources disagree on where the national facility goes: a
    # 2020s 网易 item has the national 作物表型组学研究设施 ("神农设施") led by the CAS Institute of Genetics and
    # Developmental Biology in Wuhan, with NJAU a participant. The row keeps the plan's status.
    planned("planned-crop-phenomics", "作物表型组学", "Major research infrastructure for crop phenomics",
            city_code=NANJING, hosts=("南京农业大学",),
            sources=(
                ("https://news.sciencenet.cn/htmlnews/2019/10/431956.shtm",
                 "作物表型组学研究重大科技基础设施建设项目启动",
                 "host and city: the project started 2019-10-26 at 南京农业大学's Baima base, led by the university"),
                ("https://big5.cri.cn/gate/big5/js.cri.cn/2018-03-27/bc6086e0-5f95-61c8-91c5-32a171a8f27f.html",
                 "南京農業大學啟動作物表型組學研究項目",
                 "host: 南京农业大学 leads (牵头组建) the 作物表型组学研究设施 listed in the 13th five-year plan; "
                 "city: 白马国家农业科技园区, 溧水 (Nanjing)"),
            )),
    planned("planned-photon-science", "光子科学", "Major research infrastructure for photon science"),
    planned("planned-industrial-control-systems", "新一代工业控制系统",
            "Major research infrastructure for next-generation industrial control systems"),
    planned("planned-intelligent-computing", "智能计算", "Major research infrastructure for intelligent computing"),
    # -- the laboratories ------------------------------------------------------------------------------------
    # kind: the plan names it among the 长三角实验室; no page found calls it a 省实验室 or names its 法人.
    # name_en: the lab's web address is pmlabs.com.cn; the English name was not read from a page.
    Facility(
        "purple-mountain-lab", "yrd_lab", "紫金山实验室", "Purple Mountain Laboratories", LABS_CLAUSE,
        city_code=NANJING, status="operating", status_as_of="2020-11-19",
        sources=(
            ("https://www.pmlabs.com.cn/plus/view.php?aid=1015", "河南省党政代表团来紫金山实验室考察",
             "built jointly by Jiangsu and Nanjing; status: its director presents its results to visitors "
             "(2020-11-19, operating)"),
            ("http://www.ourjiangsu.com/a/20200309/1583759622334.shtml",
             "[我苏网, 2020-03-09] 娄勤俭赴网络通信与安全紫金山实验室考察调研",
             "status: inaugurated (揭牌) on 2018-08-28 at the provincial S&T innovation conference"),
            ("http://updyy.com/n2/2021/1207/c360301-35039649.html", "南京發力建設引領性國家創新型城市",
             "city: its exhibition hall on 秣周东路, 江宁区, Nanjing (a copy of a 人民网 Jiangsu article)"),
        )),
    # name_en: plain translation of 材料科学姑苏实验室 (the lab's own English name was not found).
    Facility(
        "gusu-lab", "provincial_lab", "姑苏实验室", "Gusu Laboratory of Materials", LABS_CLAUSE,
        city_code=SUZHOU, status="operating", status_as_of="2022-11-25",
        sources=(
            ("http://jsnews.jschina.com.cn/jsyw/202007/t20200701_2581029.shtml", "材料科学姑苏实验室揭牌",
             "kind: granted the title 江苏省实验室 at its inauguration on 2020-06-30; city: headquarters in the "
             "Suzhou Industrial Park"),
            ("https://www.gusulab.ac.cn/?content/1106", "苏州市政协科技组调研姑苏实验室",
             "status: running as a provincial laboratory (2022-11-25)"),
        )),
    # -- the centres -----------------------------------------------------------------------------------------
    # No page found names its legal entity. name_en: plain translation.
    Facility(
        "yrd-national-tech-innovation-centre", "tech_innovation_centre", "长三角国家技术创新中心",
        "Yangtze River Delta National Technology Innovation Center", TIC_CLAUSE,
        city_code=SHANGHAI, status="operating", status_as_of="2021-10-18",
        sources=(
            ("http://news.cwan.com/zixun/guonei/2021/1018/30849.html",
             "长三角国家技术创新中心:研发当产业 扩大高水平科技供给",
             "city and status: inaugurated in Shanghai in 2021-06, its headquarters in Zhangjiang in use from "
             "2021-10 (文汇报)"),
            ("http://zhoukan.cc/guancha/2021/1105/45591.html", "长三角一体化发展 打造长三角“产学研用”深度融合创新枢纽",
             "status: operating as an entity in Zhangjiang, Shanghai (State Council Information Office press "
             "conference, 2021-11-04)"),
        )),
    # No page on this centre was found: only the plan's name and wording.
    Facility("yrd-science-data-centre", "data_centre", "长三角科学数据中心", "Yangtze River Delta Science Data Center",
             DATA_CLAUSE),
]


def city_codes() -> set[str]:
    with DIVISIONS.open(encoding="utf-8") as fh:
        return {r["code"] for r in csv.DictReader(fh) if r["level"] == "city"}


def check(facilities: list[Facility]) -> None:
    """Refuse a row that breaks the file's rules (the tests check the written file the same way)."""
    cities = city_codes()
    keys = [f.key for f in facilities]
    problems = [f"duplicate key {k}" for k in sorted({k for k in keys if keys.count(k) > 1})]
    for f in facilities:
        where = f"{f.key}:"
        if not KEY.match(f.key):
            problems.append(f"{where} key is not an ASCII slug")
        if f.kind not in KINDS:
            problems.append(f"{where} kind {f.kind!r}")
        if f.status and f.status not in STATUSES:
            problems.append(f"{where} status {f.status!r}")
        if bool(f.status) != bool(f.status_as_of) or (f.status_as_of and not AS_OF.match(f.status_as_of)):
            problems.append(f"{where} status and status_as_of go together (YYYY-MM[-DD])")
        if f.city_code and f.city_code not in cities:
            problems.append(f"{where} city_code {f.city_code} is not a city in divisions.csv")
        if not f.plan_wording:
            problems.append(f"{where} no plan wording")
        if (f.hosts or f.co_builders or f.city_code or f.status) and not f.sources:
            problems.append(f"{where} facts without a source")
        for url, title, supports in f.sources:
            if not url.startswith(("http://", "https://")) or not title or not supports:
                problems.append(f"{where} source needs url, title and what it supports: {url}")
            if any(sep in part for part in (url, title, supports) for sep in (" | ", " ;; ")):
                problems.append(f"{where} a source part holds a separator: {url}")
    if problems:
        raise SystemExit("\n".join(problems))


def write(path: Path, facilities: list[Facility]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(f.row() for f in sorted(facilities, key=lambda f: f.key))
    os.replace(partial, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="the CSV to write (default: the bundled file)")
    args = parser.parse_args()
    check(FACILITIES)
    write(args.out, FACILITIES)
    print(f"{args.out}: {len(FACILITIES)} facilities")


if __name__ == "__main__":
    main()
