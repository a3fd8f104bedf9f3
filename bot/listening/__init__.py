"""Social listening: mentions in from webhooks, polls and files; crises watched for and alerted."""
