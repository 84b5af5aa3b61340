"""The Slack adapter: Bolt app, listeners, Block Kit rendering (thin over `Assistant.ask`)."""
