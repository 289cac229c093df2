"""The practice room: a browser channel that runs whole sessions with no Slack or Teams."""
