"""The accounts module's refusals (users, roles, tokens, passwords)."""

from yrdhub.errors import register
from yrdhub.i18n import N_

register({
    "user.username": N_("A username has 3 to 64 letters, digits, “_”, “.” or “-”."),
    "user.username_taken": N_("The username {username} is taken."),
    "user.not_found": N_("No such user: {username}."),
    "user.password_short": N_("A password has at least {min_length} characters."),
    "user.password_wrong": N_("The current password is not right."),
    "role.unknown": N_("Unknown role: {role} (one of {roles})."),
    "role.no_scope": N_("The role {role} takes no scope."),
    "role.province_scope": N_("The scope of this role is a province code: 310000, 320000, 330000 or 340000."),
    "role.org_scope": N_("The scope of this role is org:<organisation id>."),
    "token.scopes": N_("A token's scopes are among: {accepted}."),
    "token.not_found": N_("No such token: {id}."),
})
