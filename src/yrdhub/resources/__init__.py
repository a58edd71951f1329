"""resources: the region's research infrastructure (facilities and bases), the shared instrument catalogue,
bookings and metered use (创新资源开放共享)."""

from yrdhub.resources import access as access  # declares who may read resources
from yrdhub.resources import errors as errors  # registers the module's codes
