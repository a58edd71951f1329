"""The refusals a reader of the search can meet, as codes with their English messages (the catalogue msgids).
(A module that indexes a malformed document is a programming error: a ValueError, never shown to a reader.)"""

from yrdhub.errors import register
from yrdhub.i18n import N_

register({
    "search.cursor": N_("The page cursor is not valid; start the search again."),
    "search.limit": N_("Ask for 1 to {limit} results a page."),
})
