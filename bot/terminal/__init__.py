"""The terminal surface: Rich rendering and the interactive chat loop."""
