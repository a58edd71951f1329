"""The refusals of the outputs module, as codes with their English messages (the catalogue msgids)."""

from yrdhub.errors import register
from yrdhub.i18n import N_

register({
    # reports and achievements: what only the database can tell
    "output.no_org": N_("No such organisation: {org}."),
    "output.no_project": N_("No such project: {project}."),
    "report.duplicate_number": N_("A report numbered {number} is already registered."),
    "report.not_draft": N_("Only a draft can be changed; this report is {status}."),
    "report.import_status": N_("The report is {status} and cannot be imported as {wanted}."),
    "report.no_abstract": N_("Give the report's abstract before submitting it."),
    "report.no_full_text": N_("Give the report's full text (type it or upload its file) before submitting it."),
    "achievement.duplicate": N_("This achievement is already registered: {key}."),
    # the schemas' own rules (raised as PydanticCustomError with these codes)
    "report.number": N_("A report number has 4 to 60 characters: capital letters, digits, - and /, starting with a "
                        "letter or a digit."),
    "report.embargo_required": N_("A report released later needs the date of its release."),
    "report.embargo_only_delayed": N_("Only a report released later has a release date."),
    "output.blank_item": N_("An entry of this list is blank."),
    # uploaded files: refused before anything is stored
    "file.empty": N_("The file is empty."),
    "file.unsupported": N_("This kind of file is not accepted ({what}); upload a PDF, a DOCX or a text file "
                           "(UTF-8 or GBK)."),
    "file.encrypted": N_("The PDF is protected by a password; upload an unencrypted file."),
    "file.scanned": N_("The PDF has no text layer (is it a scan?); upload a PDF with text, or run OCR first."),
    "file.no_text": N_("The file contains no text."),
    "file.corrupt": N_("The file is damaged and cannot be read ({reason})."),
    "file.too_long": N_("The text is longer than {limit} characters."),
    "file.too_many_pages": N_("The PDF has {pages} pages; at most {limit} are accepted."),
    "file.inflated": N_("The document unpacks to {size_mb} MB of text, more than the {limit_mb} MB accepted."),
    "file.ratio": N_("The document unpacks to {ratio} times its size, which no real document does; it is refused."),
    "file.too_slow": N_("Reading the file's text took longer than {seconds} seconds; it is refused."),
    "file.none": N_("No file was uploaded for this report."),
    # imports
    # usage statistics
    "usage.sign_in": N_("Sign in to see usage statistics."),
})
