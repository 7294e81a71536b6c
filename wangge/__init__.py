"""wangge (网格): party-building-led, grid-based grassroots governance."""
