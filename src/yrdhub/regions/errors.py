"""The regions module's refusals (organisations, regions, credit codes)."""

from yrdhub.errors import register
from yrdhub.i18n import N_

register({
    "region.not_found": N_("No such region: {code}."),
    "region.unresolved": N_("No region of the Yangtze River Delta was found in “{text}”."),
    "region.unknown": N_("Unknown region: {region}."),
    "org.not_found": N_("No such organisation: {id}."),
    "org.type": N_("Unknown organisation type: {value} (accepted: {accepted})."),
    "org.name_taken": N_("Organisation {id} already has the name {name}; give a credit code to tell them apart."),
    "org.parent_ref": N_("The parent organisation is neither registered nor in this file: {parent}."),
    "org.uscc_taken": N_("This credit code is already used by organisation {id} ({name})."),
    "org.parent_missing": N_("The parent organisation does not exist: {parent}."),
    "org.parent_cycle": N_("That parent would make the organisation its own ancestor."),
    "org.merge_self": N_("An organisation cannot be merged into itself."),
    "org.merge_descendant": N_("An organisation cannot be merged into one of its own units."),
    "org.merged": N_("Organisation {id} has been merged into another; change that one instead."),
    "uscc.length": N_("A unified social credit code has 18 characters; this one has {length}."),
    "uscc.characters": N_("Invalid characters: {characters} (I, O, Z, S, V and lower case are not used)."),
    "uscc.authority": N_("Invalid registration authority code: {character}."),
    "uscc.division": N_("Characters 3–8 must be an administrative division code, not {part}."),
    "uscc.check": N_("Wrong check character: {expected} expected, {given} given."),
})
