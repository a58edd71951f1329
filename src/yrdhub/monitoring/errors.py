"""Every refusal of monitoring as a code (the English message is the catalogue msgid; `{name}` takes a param)."""

from yrdhub.errors import register
from yrdhub.i18n import N_

register({
    # frameworks
    "framework.not_found": N_("There is no framework {code}."),
    "framework.immutable": N_("Version {version} of {code} is published and cannot change; publish a new version."),
    "framework.duplicate_elements": N_("Data element codes are used twice: {codes}."),
    "framework.unknown_element": N_("Indicator {indicator} refers to an unknown data element {element}."),
    "framework.direction": N_("The direction of indicator {indicator} must be 1 or -1."),
    "framework.consistency": N_("The consistency rule of {element} refers to unknown data elements."),
    # submissions
    "submission.region": N_("Data are submitted by the four jurisdictions; {region} is not one of them."),
    "submission.period": N_("The year {period} is outside this framework's years ({first} to {last})."),
    "submission.under_review": N_("This year's data are under review ({status}); they cannot be opened now."),
    "submission.correction_reason": N_("Correcting accepted data needs a reason."),
    "submission.not_editable": N_("Only a draft or a returned submission can be edited; this one is {status}."),
    "submission.rejected": N_("The file has {count} problems; nothing was saved."),
    # values (the validation rules; each against its data element)
    "value.unknown_element": N_("{element} is not a data element of this framework."),
    "value.required": N_("A value is required."),
    "value.not_finite": N_("Not a finite number."),
    "value.below_min": N_("{value} is below the minimum of {min}."),
    "value.above_max": N_("{value} is above the maximum of {max}."),
    "value.yoy_change": N_("{value} differs from last year's {previous} by {change} % (limit ±{limit} %); explain "
                           "it in the note."),
    "value.inconsistent": N_("{value} disagrees with the value computed from the other elements, {expected} "
                             "(tolerance {tolerance}); explain it in the note."),
    "value.off_trend": N_("{value} is far from its trend (about {expected} expected from the previous years); "
                          "explain it in the note."),
    "value.no_row": N_("The file has no row for {element}."),
    # plan tasks
    "task.not_found": N_("There is no plan task {code}."),
    "task.not_responsible": N_("{region} is not responsible for task {task}."),
    "task.completion_progress": N_("A completed task is at 100 %; this report says {progress} %."),
    "task.completion_evidence": N_("Marking a task completed needs evidence (documents, links, figures)."),
    "task.not_started_progress": N_("A task not started is at 0 %; this report says {progress} %."),
    "task.open_progress": N_("100 % means completed: mark the task completed, with its evidence."),
    # evaluations
    "evaluation.not_found": N_("There is no evaluation {ref} you can see."),
    "evaluation.no_complete_year": N_("No year has accepted data from all four jurisdictions yet."),
    "evaluation.reproduced": N_("The evaluation reproduces exactly."),
    "evaluation.reproduced_data_changed": N_("The evaluation reproduces exactly; accepted data have changed since "
                                             "it was run."),
    "evaluation.not_reproduced": N_("The evaluation does not reproduce."),
    "evaluation.inputs_altered": N_("The evaluation does not reproduce: its stored inputs were altered."),
    # values counted from records
    "measurement.not_found": N_("There is no measured value {id}."),
    "measurement.indicator": N_("Not an indicator code: {value} (lower-case letters, digits and _)."),
    "measurement.record_orphan": N_("This record's indicator and year ({indicator} {year}) are not in the values "
                                    "table."),
    "measurement.count_mismatch": N_("{indicator} {year}: the value is {value} but the records hold {works} works "
                                     "(are both files from the same run?)."),
    "measurement.no_values": N_("The file holds no values."),
    "measurement.source": N_("State the source and coverage of the count (database, query, date of export)."),
    "measurement.parquet": N_("The Parquet file cannot be read."),
    "measurement.several_tables": N_("There are several {stem} tables; choose one with --level: {files}."),
    "measurement.no_table": N_("There is no indicators_<level> table in the folder (the output of "
                               "yrdhub analytics collaboration --out DIR)."),
    "measurement.rejected": N_("The tables have {count} problems; nothing was imported."),
})
