"""yrdhub — 长三角科技创新共同体信息平台 (Yangtze River Delta S&T Innovation Community platform)."""

__version__ = "0.1.0"
