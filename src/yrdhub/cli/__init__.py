"""The `yrdhub` command line: thin commands over the services."""

from __future__ import annotations

import typer

from yrdhub.cli import analytics as _analytics
from yrdhub.cli import core
from yrdhub.cli import indicators as _indicators
from yrdhub.cli import monitoring as _monitoring
from yrdhub.cli import outputs as _outputs
from yrdhub.cli import programmes as _programmes
from yrdhub.cli import resources as _resources

app = typer.Typer(
    no_args_is_help=True, help="yrdhub — 长三角科技创新共同体信息平台 (YRD S&T Innovation Community platform)"
)
core.register(app)
app.add_typer(_indicators.app, name="indicators")
app.add_typer(_analytics.app, name="analytics")
app.add_typer(_monitoring.app, name="monitoring")
app.add_typer(_programmes.app, name="programmes")
app.add_typer(_outputs.app, name="outputs")
app.add_typer(_resources.app, name="resources")
