"""Capital: the global capital router (how much each market may use) and the
autonomous scaling engine (how large each position is), with every decision explained."""
