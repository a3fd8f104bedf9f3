"""Per-mention sentiment and emotion for social listening: a VADER baseline and a shipped linear model."""
