"""Background jobs: publishing due posts, and later polling, syncing and retention."""
