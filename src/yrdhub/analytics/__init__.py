"""yrdhub.analytics — cross-region collaboration measures from paper and patent exports.

Readers (WoS, Scopus/IEEE, OpenAlex, CNKI, incoPat/CNIPA, Patsnap, contracts) → place resolution (English
addresses, cpca, an extendable institution gazetteer) → Parquet workspace → one Ibis pipeline (DuckDB by
default, Spark with YRDHUB_ANALYTICS_ENGINE=spark): de-duplication, region-pair matrices with full and
fractional counting, intensity, the plan's target counts with drill-down, city network measures.
See docs/analytics.md.
"""

from yrdhub.analytics.gazetteer import Gazetteer, Institution
from yrdhub.analytics.ingest import IngestReport
from yrdhub.analytics.places import Place, Resolver
from yrdhub.analytics.readers import FORMATS, read
from yrdhub.analytics.records import BadRecord, Party, Record
from yrdhub.analytics.run import Results, collaboration, resolution_rate, unresolved, write_results
from yrdhub.analytics.workspace import Workspace

__all__ = [
    "FORMATS",
    "BadRecord",
    "Gazetteer",
    "IngestReport",
    "Institution",
    "Party",
    "Place",
    "Record",
    "Resolver",
    "Results",
    "Workspace",
    "collaboration",
    "read",
    "resolution_rate",
    "unresolved",
    "write_results",
]
