"""The Slack surface: Bolt app, rendering to Block Kit, approval buttons and alerts."""
