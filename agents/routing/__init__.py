"""The embedding router: exemplar data, cue features, the trained classifier."""
