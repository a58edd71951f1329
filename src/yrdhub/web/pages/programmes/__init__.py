"""Programme pages: programmes and calls, applications, review, each funder's sign-off, the lifecycle steps,
milestones and change requests, and each jurisdiction's view.

Thin: a page offers a form only when the step would succeed now (`programmes.offers`: the lifecycle tables and
the policy), and every POST builds the same schema and calls the same service as the API and the imports, which
check again. A refused step re-renders the page with the refusal's code rendered in the page's language and
nothing written; a successful one redirects (POST → GET)."""

from fastapi import APIRouter

from yrdhub.web.pages.programmes import lists, projects, reviewer

router = APIRouter(include_in_schema=False)
for part in (lists.router, projects.router, reviewer.router):
    router.include_router(part)
