"""Out-of-sample measurements of each intelligence feature against plain baselines."""
