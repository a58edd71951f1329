"""The `yrdhub` command line: thin commands over the services, speaking the language of `YRDHUB_DEFAULT_LANG`
(`yrdhub.cli.text`)."""

from __future__ import annotations

from yrdhub.cli import analytics as _analytics
from yrdhub.cli import core
from yrdhub.cli import indicators as _indicators
from yrdhub.cli import monitoring as _monitoring
from yrdhub.cli import outputs as _outputs
from yrdhub.cli import programmes as _programmes
from yrdhub.cli import resources as _resources
from yrdhub.cli.text import App
from yrdhub.i18n import N_

app = App(help=N_("yrdhub — the information platform of the Yangtze River Delta S&T Innovation Community"))
core.register(app)
app.add_typer(_indicators.app, name="indicators")
app.add_typer(_analytics.app, name="analytics")
app.add_typer(_monitoring.app, name="monitoring")
app.add_typer(_programmes.app, name="programmes")
app.add_typer(_outputs.app, name="outputs")
app.add_typer(_resources.app, name="resources")
