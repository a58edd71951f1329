"""A small GENERATED corpus with hand-computed answers (see test_pipeline.py for the expected values)."""

from __future__ import annotations

from pathlib import Path

from .generated import write_incopat_csv

WOS = """FN Clarivate Analytics Web of Science
VR 1.0
PT J
TI Generated paper one on regional collaboration networks
PY 2023
DI 10.9999/d1
C1 [A] Southeast Univ, Nanjing 210096, Jiangsu, Peoples R China.
   [B] Univ Sci & Technol China, Hefei 230026, Anhui, Peoples R China.
   [C] MIT, Cambridge, MA 02139 USA.
UT WOS:000000000000011
ER

PT J
TI Generated paper two within one province only
PY 2023
DI 10.9999/d2
C1 [A] Nanjing Univ, Nanjing 210093, Jiangsu, Peoples R China.
   [B] Soochow Univ, Suzhou 215006, Jiangsu, Peoples R China.
UT WOS:000000000000012
ER

PT J
TI Generated paper three across three provinces
PY 2024
C1 [A] Fudan Univ, Shanghai 200433, Peoples R China.
   [B] Zhejiang Univ, Hangzhou 310058, Zhejiang, Peoples R China.
   [C] Hefei Univ Technol, Hefei 230009, Anhui, Peoples R China.
UT WOS:000000000000013
ER

EF
"""

SCOPUS = (
    '"Authors","Title","Year","DOI","Affiliations","Document Type","Source","EID"\n'
    '"A.; B.","Generated paper one on regional collaboration networks","2023","10.9999/D1",'
    '"Southeast University, Nanjing, China; University of Science and Technology of China, Hefei, China",'
    '"Article","Scopus","2-s2.0-1"\n'
    '"A.; B.","Generated Paper Three across three provinces.","2024","",'
    '"Fudan University, Shanghai, China; Zhejiang University, Hangzhou, China",'
    '"Article","Scopus","2-s2.0-3"\n'
    '"A.","Generated paper four in one city","2024","10.9999/d4","Jiangnan University, Wuxi, China",'
    '"Article","Scopus","2-s2.0-4"\n'
)

REFWORKS = """RT Journal Article
A1 甲;乙
AD 东南大学交通学院;中国科学技术大学
T1 生成的中文合作论文
YR 2023
"""


def write_corpus(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    wos = directory / "savedrecs.txt"
    wos.write_text(WOS, encoding="utf-8-sig")
    scopus = directory / "scopus.csv"
    scopus.write_text(SCOPUS, encoding="utf-8-sig")
    cnki = directory / "cnki.txt"
    cnki.write_bytes(REFWORKS.replace("\n", "\r\n").encode("gbk"))
    return [wos, scopus, cnki, write_incopat_csv(directory / "incopat.csv")]
