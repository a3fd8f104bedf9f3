"""Statistics for content planning: best posting times and engagement predictions."""
