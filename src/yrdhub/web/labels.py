"""The label tables pages look values up in (`label('project_status', p.status)`), from the modules' msgids."""

from __future__ import annotations

from collections.abc import Mapping

from yrdhub.i18n import Msg
from yrdhub.monitoring import labels as monitoring
from yrdhub.outputs import labels as outputs
from yrdhub.programmes import labels as programmes
from yrdhub.regions import labels as regions
from yrdhub.resources import labels as resources

TABLES: dict[str, Mapping[str, Msg]] = {
    "project_status": programmes.PROJECT_STATUS,
    "project_done": programmes.PROJECT_DONE,
    "project_action": programmes.PROJECT_ACTION,
    "decision": programmes.DECISION,
    "participant_role": programmes.PARTICIPANT_ROLE,
    "change_kind": programmes.CHANGE_KIND,
    "transition_note": programmes.TRANSITION_NOTE,
    "call_kind": programmes.CALL_KIND,
    "programme_field": programmes.FIELD,
    "province": programmes.PROVINCE,
    "submission_status": monitoring.SUBMISSION_STATUS,
    "task_status": monitoring.TASK_STATUS,
    "evaluation_status": monitoring.EVALUATION_STATUS,
    "monitoring_unit": monitoring.UNIT,
    "monitoring_source": monitoring.SOURCE,
    "monitoring_level": monitoring.LEVEL,
    "monitoring_periodicity": monitoring.PERIODICITY,
    "monitoring_responsible": monitoring.RESPONSIBLE,
    "evaluation_unit": monitoring.UNIT_NAME,
    "openness": outputs.OPENNESS,
    "result_kind": outputs.RESULT_KIND,
    "report_type": outputs.REPORT_TYPE,
    "report_status": outputs.REPORT_STATUS,
    "report_move": outputs.REPORT_MOVE,
    "achievement_kind": outputs.ACHIEVEMENT_KIND,
    "transfer_status": outputs.TRANSFER_STATUS,
    "funding": outputs.FUNDING,
    "search_facet": outputs.SEARCH_FACET,
    "region_level": regions.REGION_LEVEL,
    "org_type": regions.ORG_TYPE,
    "org_history": regions.ORG_HISTORY,
    "facility_kind": resources.FACILITY_KIND,
    "facility_status": resources.FACILITY_STATUS,
    "instrument_status": resources.INSTRUMENT_STATUS,
    "price_group": resources.PRICE_GROUP,
    "rate_unit": resources.RATE_UNIT,
    "service_type": resources.SERVICE_TYPE,
    "value_band": resources.VALUE_BAND,
    "booking_status": resources.BOOKING_STATUS,
    "booking_move": resources.BOOKING_MOVE,
    "slot_kind": resources.SLOT_KIND,
}
