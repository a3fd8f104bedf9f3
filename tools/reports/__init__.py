"""Weekly and monthly marketing reports: their contents, text renderings and charts."""
